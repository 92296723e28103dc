# Cancels a Slurm job with scancel and waits until squeue no longer lists it.
# $1: the set-up line; $2: the job folder; $3: the Slurm job id. Refuses an id that is not
# this folder's. Prints `stopped` or `ended`.
cd -- "$2" 2>/dev/null || { echo ended; exit 0; }
[ "$(cat slurm_id 2>/dev/null)" = "$3" ] || { echo "The job folder $2 records another Slurm job than $3." >&2; exit 94; }
[ -s exit_code ] && { echo ended; exit 0; }
eval "$1" >/dev/null 2>&1
touch cancelled
scancel "$3" || exit $?
for _ in $(seq 1 150); do
  [ -z "$(squeue -h -j "$3" -o %T 2>/dev/null)" ] && { echo stopped; exit 0; }
  sleep 0.2
done
echo "Slurm job $3 is still listed by squeue 30 s after scancel." >&2
exit 96

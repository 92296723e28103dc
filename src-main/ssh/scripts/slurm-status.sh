# Where a Slurm job is. $1: the set-up line; $2: the job folder; $3: the Slurm job id.
# Prints `exited<TAB>CODE` (the batch script recorded its command's status), `running`
# (pending or running, as squeue lists it), `cancelled`, or `vanished` (gone without a status:
# killed by its time limit, preempted, the node failed).
cd -- "$2" 2>/dev/null || { echo missing; exit 0; }
exited() { [ -s exit_code ] && { printf 'exited\t%s\n' "$(cat exit_code)"; exit 0; }; }
exited
[ "$(cat slurm_id 2>/dev/null)" = "$3" ] || { echo vanished; exit 0; }
eval "$1" >/dev/null 2>&1
case $(squeue -h -j "$3" -o %T 2>/dev/null | head -n 1) in
  PENDING | CONFIGURING | RUNNING | COMPLETING | SUSPENDED | REQUEUED | RESIZING) echo running; exit 0 ;;
esac
exited # it may have ended between the two looks
[ -e cancelled ] && { echo cancelled; exit 0; }
case $(sacct -n -X -P -j "$3" -o State 2>/dev/null | head -n 1) in
  CANCELLED*) echo cancelled ;;
  *) echo vanished ;;
esac

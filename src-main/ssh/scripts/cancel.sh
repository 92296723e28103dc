# Stops a detached job: TERM to its whole process group, KILL after 10 s if anything is left.
# $1: the job folder; $2: its process-group id. Refuses a group that is not this job's
# (the id was reused after the job ended). Prints `stopped`, `killed` or `ended`.
cd -- "$1" 2>/dev/null || { echo ended; exit 0; }
[ "$(cat pgid 2>/dev/null)" = "$2" ] || { echo "The job folder $1 records another process group than $2." >&2; exit 94; }
[ -s exit_code ] && { echo ended; exit 0; }
leader=$(readlink "/proc/$2/cwd" 2>/dev/null || true)
if [ -n "$leader" ] && [ "$leader" != "$(pwd -P)" ]; then echo "Process $2 is not this job's any more." >&2; exit 95; fi
kill -0 -- "-$2" 2>/dev/null || { echo ended; exit 0; }
touch cancelled
kill -TERM -- "-$2" 2>/dev/null
for _ in $(seq 1 50); do
  kill -0 -- "-$2" 2>/dev/null || { echo stopped; exit 0; }
  sleep 0.2
done
kill -KILL -- "-$2" 2>/dev/null
sleep 0.2
kill -0 -- "-$2" 2>/dev/null && { echo "Process group $2 survived SIGKILL." >&2; exit 96; }
echo killed

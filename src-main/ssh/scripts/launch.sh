# Starts a command detached from this connection, in its own session and process group, so
# it survives the app closing and the connection dropping. In the job folder it leaves:
#   pgid       the process-group id (the job's remote id), written before the command starts;
#   exit_code  the command's exit status, written (atomically) when it ends;
#   output.log everything the command printed.
# $1: the set-up line (run by the detached shell, before the command); $2: the job folder
# (absolute); $3…: the command and its arguments. Prints the process-group id.
setup=$1
jobdir=$2
shift 2
cd -- "$jobdir" || exit 91
if [ -e pgid ]; then echo "A job was already launched in $jobdir." >&2; exit 92; fi
# shellcheck disable=SC2016 # the inner script's variables are the inner shell's
setsid nohup bash -c '
  echo "$$" > pgid.tmp && mv pgid.tmp pgid
  eval "$1" || { code=$?; echo "The set-up line failed (exit $code)." >&2; echo "$code" > exit_code.tmp; mv exit_code.tmp exit_code; exit "$code"; }
  shift
  "$@"
  code=$?
  echo "$code" > exit_code.tmp && mv exit_code.tmp exit_code
' simpsy-job "$setup" "$@" </dev/null >>output.log 2>&1 &
for _ in $(seq 1 100); do
  [ -s pgid ] && { cat pgid; exit 0; }
  sleep 0.1
done
echo "The job did not start within 10 s; see $jobdir/output.log." >&2
exit 93

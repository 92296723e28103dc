# Where a detached job is. $1: the job folder; $2: its process-group id.
# Prints `exited<TAB>CODE`, `running`, `cancelled` (cancel.sh stopped it), or `vanished`
# (its processes are gone without an exit status: killed, or the server restarted).
cd -- "$1" 2>/dev/null || { echo missing; exit 0; }
if [ -s exit_code ]; then printf 'exited\t%s\n' "$(cat exit_code)"
elif [ "$(cat pgid 2>/dev/null)" = "$2" ] && kill -0 -- "-$2" 2>/dev/null; then echo running
elif [ -e cancelled ]; then echo cancelled
else echo vanished
fi

# "Test" on a connection: what the server offers for fine-tuning, in one round trip.
# $1: the set-up line; $2: the work folder (created if missing, so its disk can be measured).
# Prints one `key<TAB>value` a line; the set-up line's own output goes to stderr.
eval "$1" >&2 || printf 'warn\tthe set-up line failed (exit %s)\n' "$?"
wd=$2
case $wd in "~") wd=$HOME ;; "~/"*) wd=$HOME/${wd#"~/"} ;; esac
printf 'workdir\t%s\n' "$wd"
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=name,memory.total --format=csv,noheader,nounits 2>&1 | while IFS= read -r line; do printf 'gpu\t%s\n' "$line"; done
fi
if command -v llamafactory-cli >/dev/null 2>&1; then
  v=$(llamafactory-cli version 2>&1 | sed -n 's/.*[Vv]ersion[ :]*\([0-9][0-9A-Za-z.+-]*\).*/\1/p' | head -n 1)
  printf 'llamafactory\t%s\n' "${v:-unknown}"
fi
if mkdir -p -- "$wd" 2>/dev/null; then
  printf 'disk\t%s\n' "$(df -Pk -- "$wd" 2>/dev/null | awk 'NR == 2 { print $4 }')"
else
  printf 'warn\tcannot create the work folder %s\n' "$wd"
fi

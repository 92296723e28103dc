# Prints a TCP port nothing listens on at the server's 127.0.0.1, trying $1 and the 200 after it.
first=$1
for port in $(seq "$first" $((first + 200))); do
  # shellcheck disable=SC2216 # a refused connection is what we look for
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; exit 0; }
done
echo "No free port between $first and $((first + 200)) on 127.0.0.1." >&2
exit 1

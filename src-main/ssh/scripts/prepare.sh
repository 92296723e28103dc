# Makes a job's folder on the server and prints its absolute path.
# $1: the work folder (absolute, or ~/… for the remote home); $2: the job folder's name.
wd=$1
case $wd in "~") wd=$HOME ;; "~/"*) wd=$HOME/${wd#"~/"} ;; esac
mkdir -p -- "$wd/jobs/$2" || exit 1
cd -- "$wd/jobs/$2" && pwd -P

# Submits a job folder's batch script (job.sbatch, uploaded beforehand) to Slurm.
# $1: the set-up line (puts sbatch on PATH, e.g. `module load slurm`); $2: the job folder.
# Leaves `slurm_id` in the folder and prints the Slurm job id.
cd -- "$2" || exit 91
if [ -e slurm_id ]; then echo "A job was already submitted in $2." >&2; exit 92; fi
eval "$1" >&2 || { echo "The set-up line failed." >&2; exit 90; }
out=$(sbatch --parsable job.sbatch) || exit $?
# --parsable prints "ID" or "ID;CLUSTER".
id=${out%%;*}
echo "$id" > slurm_id
echo "$id"

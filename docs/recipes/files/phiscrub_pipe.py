"""phiscrub over partitions of JSON Lines, for Dask (and Spark's mapPartitions): one phiscrub process per
partition, lines in, the same number of lines out in the same order. Standard library only; copy it next to your
job or ship it with --py-files. Fails the partition (raises) when phiscrub exits non-zero (e.g. a line withheld),
so no partition is silently passed through uncleaned."""
import subprocess

PHISCRUB = ["phiscrub", "--format", "jsonl"]


def scrub_lines(lines, command=PHISCRUB):
    """Cleans an iterable of JSON Lines strings (without newlines); returns the cleaned lines as a list."""
    data = "".join(line + "\n" for line in lines).encode("utf-8")
    done = subprocess.run(command, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"phiscrub exited {done.returncode}: {done.stderr.decode('utf-8', 'replace').strip()}")
    out = done.stdout.decode("utf-8").split("\n")
    if out and out[-1] == "":
        out.pop()
    lines_in = data.count(b"\n")
    if len(out) != lines_in:
        raise RuntimeError(f"phiscrub returned {len(out)} lines for {lines_in}")
    return out

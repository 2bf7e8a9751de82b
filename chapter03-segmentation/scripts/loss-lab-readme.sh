#!/usr/bin/env bash
# Regenerates the real-loss output in chapter03-segmentation/README.md ("Real loss") from ONE run of LossLab
# (every experiment), replacing the text between the "loss-lab-output" markers.
# No root needed (LossLab makes its throwaway network namespace inside the private one a normal user gets);
# needs unshare, nsenter, ip, nft, tcpdump, ss, nstat.
# Usage, from the repository root: chapter03-segmentation/scripts/loss-lab-readme.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

DOC=chapter03-segmentation/README.md
./mvnw -q -pl chapter03-segmentation -am compile >/dev/null
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=LossLab -Dargs="--bytes 4M" >"$OUT"
# keep the doc's text, swap the block between the markers for this run's output
awk -v out="$OUT" '
  /<!-- loss-lab-output:begin -->/ { print; print "```text"; while ((getline line < out) > 0) print line; print "```"; skip = 1; next }
  /<!-- loss-lab-output:end -->/ { skip = 0 }
  !skip { print }
' "$DOC" >"$DOC.new"
mv "$DOC.new" "$DOC"
echo "updated $DOC from one LossLab run ($(grep -c '' "$OUT") lines)"

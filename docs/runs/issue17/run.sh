#!/bin/sh
# Issue 17's long run, taken up over several sittings: v3.10 under sc at 3 CPUs,
# 2 targets, 2 requests per CPU, with --symmetry; once as one resumable run, and once
# as 8 shards merged. README.md here says why and where it stands.
#
#   run.sh build        build the pinned executable into bin/ and check its hash
#   run.sh single       run (or take up) the single run; records go to single.resume
#   run.sh shards I...  run the shards I.../8, two at a time; reports go to shard-I.json
#   run.sh merge        merge the shard reports and print them beside the single run's
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
commit=dfef8b8                # the build every record here comes from
want=sha256:c543669811dde1df  # its hash: go1.26.8, -trimpath -buildvcs=false
exe=$top/bin/steercheck-$commit
flags="--variant v3.10 --model sc --cpus 3 --targets 2 --requests 0:0,0:1,1:0,1:1,2:0,2:1 --symmetry --max-steps 0 --timeout 0"

build() {
	src=$(mktemp -d)
	git -C "$top" archive "$commit" | tar -x -C "$src"
	(cd "$src" && go build -trimpath -buildvcs=false -o "$exe" ./cmd/steercheck)
	rm -rf "$src"
	got=sha256:$(sha256sum "$exe" | cut -c1-16)
	if [ "$got" != "$want" ]; then
		echo "run.sh: built $got, the records need $want (another Go than go1.26.8?)" >&2
		exit 2
	fi
	echo "$exe ($got)"
}

[ -x "$exe" ] || [ "${1:-}" = build ] || build
case "${1:-}" in
build) build ;;
single)
	# SIGINT stops it cleanly; the pieces it finished stay in single.resume.
	exec "$exe" check $flags --workers 2 --resume "$here/single.resume" --json "$here/single.json"
	;;
shards)
	shift
	for i in "$@"; do echo "$i"; done | xargs -P2 -I{} sh -c \
		"'$exe' check $flags --quiet --shard {}/8 --json '$here/shard-{}.json' > '$here/shard-{}.out'"
	;;
merge)
	"$exe" merge "$here"/shard-*.json
	[ ! -f "$here/single.json" ] || grep -E '"(verdict|executions|steps)"' "$here/single.json" | head -6
	;;
*)
	sed -n '6,9p' "$0" >&2
	exit 2
	;;
esac

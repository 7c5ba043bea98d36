#!/usr/bin/env bash
# A random history for comparisons with git: files created, edited,
# deleted, moved (with and without edits), copied, made executable, binary,
# CRLF, long and spaced names, side branches merged back.
# Usage: make_random_history.sh DIR SEED STEPS
# Best effort: a random step that fails (a merge conflict, a file gone)
# only changes what the step does.
set -u
dir=$1; RANDOM=$2; steps=$3
git init -q -b main "$dir"; cd "$dir"
dirs=(a a/b a/b/c "some/quite/long/directory/name/for/testing/the/stat/width" x "sp ace" z/deeper/and/deeper/still)
mkdir -p "${dirs[@]}"
gen() { # gen FILE: random text of random length, from a small vocabulary so renames/similar files happen
	local n=$((RANDOM % 120)) i
	for ((i = 0; i < n; i++)); do echo "w$((RANDOM % 40)) $((RANDOM % 7))"; done > "$1"
}
pick() { # an existing file or empty
	git ls-files | shuf -n 1 --random-source=<(yes $RANDOM) 2>/dev/null || true
}
for ((s = 1; s <= steps; s++)); do
	ops=$((RANDOM % 4 + 1))
	for ((k = 0; k < ops; k++)); do
		d=${dirs[$((RANDOM % ${#dirs[@]}))]}
		name=$d/f$((RANDOM % 30))
		[ $((RANDOM % 5)) = 0 ] && name="$d/a_rather_long_file_name_number_$((RANDOM % 10))_with_suffix.c"
		f=$(pick)
		mkdir -p "$d"	# branch switches remove empty directories
		case $((RANDOM % 12)) in
		0|1) gen "$name" ;;
		2|3) [ -n "$f" ] && [ -f "$f" ] && [ ! -L "$f" ] && { sed -i "$((RANDOM % 10 + 1)),$((RANDOM % 30 + 1))d" "$f" 2>/dev/null || true; echo "add $RANDOM" >> "$f"; } ;;
		4) [ -n "$f" ] && rm -f "$f" ;;
		5) [ -n "$f" ] && [ -f "$f" ] && mkdir -p "$d" && mv "$f" "$name" 2>/dev/null || true ;;
		6) [ -n "$f" ] && [ -f "$f" ] && { mv "$f" "$name" 2>/dev/null && echo "tweak $RANDOM" >> "$name"; } || true ;;
		7) head -c $((RANDOM % 3000)) /dev/urandom > "$name.bin" ;;
		8) [ -n "$f" ] && [ -f "$f" ] && chmod +x "$f" ;;
		9) [ -n "$f" ] && [ -f "$f" ] && cp "$f" "$name" ;;
		10) seq 1 $((RANDOM % 2000)) > "$name" ;;
		11) [ -n "$f" ] && [ -f "$f" ] && printf 'crlf\r\nline\r\n' >> "$f" ;;
		esac
	done
	git add -A . >/dev/null 2>&1
	if [ $((RANDOM % 15)) = 0 ] && [ $s -gt 5 ]; then
		git checkout -q -b "b$s" HEAD~$((RANDOM % 3 + 1)) 2>/dev/null || continue
		mkdir -p x; gen "x/br$s"; git add -A .; git commit -qm "branch $s" || true
		git checkout -q main
		git merge -q --no-edit -X theirs "b$s" >/dev/null 2>&1 || { git add -A .; git commit -qm "merge $s" >/dev/null 2>&1 || true; }
	else
		git commit -q --allow-empty -m "step $s" 
	fi
done
git rev-parse -q --verify HEAD >/dev/null

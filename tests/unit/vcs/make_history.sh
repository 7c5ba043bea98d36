#!/usr/bin/env bash
# Makes a repository (argument: its directory) whose commits exercise what
# `git show --stat --summary` prints: renames, binaries, modes, merges, long
# names, odd messages, time zones, notes, mailmap, plus random commits.
set -eu
dir=$1
git init -q -b main "$dir"
cd "$dir"
git config core.autocrlf false
n=0
commit() {	# commit [git commit options...]
	n=$((n + 1))
	local tz
	case $((n % 5)) in
	0) tz=+0000 ;; 1) tz=+0100 ;; 2) tz=-0700 ;; 3) tz=+0530 ;; 4) tz=-0930 ;;
	esac
	[ "${NOADD:-}" ] || git add -A .
	GIT_AUTHOR_DATE="$((1577836800 + n * 86399)) $tz" \
	GIT_COMMITTER_DATE="$((1577836800 + n * 86400)) +0000" \
		git commit -q --allow-empty "$@"
}
lines() {	# lines FILE FROM TO
	seq "$2" "$3" | sed 's/^/line /' > "$1"
}

mkdir -p src/lib docs
lines src/main.c 1 20
lines src/lib/util.c 1 50
echo "readme" > README
commit -m "root commit"

lines src/main.c 1 25
sed -i 's/line 3$/changed 3/' src/lib/util.c
commit -am "Modify two files

Body paragraph one.
	indented with a tab	and	tabs
trailing spaces here   

Signed-off-by: A U Thor <author@example.com>
Reviewed-by: Other <other@example.com>"

git mv src/lib/util.c src/lib/helpers.c
commit -m "exact rename"

git mv src/lib/helpers.c docs/helpers.c
echo extra >> docs/helpers.c
commit -m "rename across dirs with an edit"

lines big.txt 1 1000
commit -m "a big file"

sed -i '1,400d' big.txt
commit -am "delete many lines"

mkdir -p very/long/directory/names/that/go/on/and/on/for/quite/a/while
lines very/long/directory/names/that/go/on/and/on/for/quite/a/while/file_with_a_long_name.c 1 7
echo x > short
git add .
commit -m "long path"

head -c 3000 /dev/urandom > blob.bin
printf 'a\0b' > tiny.bin
git add .
commit -m "binary files"

head -c 100 /dev/urandom >> blob.bin
commit -am "modify binary"

git rm -q tiny.bin
chmod +x src/main.c
commit -am "delete binary and chmod"

commit -m "empty commit"

git mv blob.bin renamed.bin
commit -m "rename binary"

chmod -x src/main.c
git mv src/main.c src/main2.c
commit -am "rename with mode change"

ln -s README link
git add link
commit -m "symlink"

rm short && ln -s README short
git add short
commit -m "file becomes symlink"

: > empty1
git add empty1
commit -m "empty file"

printf 'no newline' > nonl
git add nonl
commit -m "no trailing newline"
printf 'no newline\n' > nonl
commit -am "add trailing newline"

mkdir -p "sp ace" uni
echo q > "sp ace/a \"quoted\" name"
echo u > "uni/$(printf 'caf\303\251')"
git add .
commit -m "odd names"

git mv "uni/$(printf 'caf\303\251')" uni/cafe
commit -m "rename odd name"

# several similar files moved at once
mkdir -p m1 m2
for i in 1 2 3 4; do lines m1/f$i 1 $((10 + i)); done
git add .
commit -m "similar files"
for i in 1 2 3 4; do git mv m1/f$i m2/g$i; done
echo change >> m2/g2
commit -m "move similar files"
# a partial rewrite: about 60% similar
lines m2/g4 1 10
seq 1 6 | sed 's/^/other /' >> m2/g4
git mv m2/g4 m2/h4
commit -am "60 percent"

# many files, wide stat
mkdir -p many
for i in $(seq 1 30); do lines many/file$i 1 $i; done
git add .
commit -m "many files"

# merges
git checkout -q -b side
lines side.txt 1 5
git add side.txt
commit -m "side one"
echo more >> side.txt
commit -am "side two"
git checkout -q main
echo main >> README
commit -am "main moves on"
GIT_AUTHOR_DATE="1600000000 +0200" GIT_COMMITTER_DATE="1600000000 +0200" \
	git merge -q --no-ff -m "Merge branch 'side'" side
git checkout -q -b b1 HEAD~1 && echo 1 > o1 && commit -m o1
git checkout -q -b b2 main~1 && echo 2 > o2 && commit -m o2
git checkout -q main
git merge -q --no-ff -m "octopus" b1 b2 >/dev/null
git checkout -q -b ours-side main~1 && echo o > ours.txt && commit -m "ours side"
git checkout -q main
git merge -q --no-ff -s ours -m "empty merge" ours-side

# odd messages
commit --cleanup=verbatim -m "

  leading blank lines and indented subject
second subject line	

body"
commit --allow-empty-message -m ""
commit -m "$(printf 'tab\tin\tsubject and a very long subject line that goes beyond eighty columns for sure')"

# wide characters in names (stat widths) and messages (tab stops)
mkdir -p wide
echo w > "wide/$(printf '\346\227\245\346\234\254\350\252\236')-a-long-name-that-needs-truncation-in-the-stat-output-for-sure.txt"
echo v > "wide/$(printf 'caf\303\251')"
commit -m "$(printf '\346\227\245\346\234\254\tafter a tab\n\nbody \303\251\tx')"

# submodule links (the index only), CRLF and non-UTF-8 messages
git update-index --add --cacheinfo "160000,$(git rev-parse HEAD),subm"
NOADD=1 commit -m "gitlink"
git update-index --cacheinfo "160000,$(git rev-parse HEAD~3),subm"
NOADD=1 commit -m "gitlink moves"
NOADD=1 commit -m "$(printf 'crlf subject\r\n\r\nbody\r\nline\r\n')"
NOADD=1 commit --cleanup=verbatim -m "$(printf 'bad \377 utf8\there\tand\n\n\377\tx\n   \n\n')" 2>/dev/null
git rm -q --cached subm
NOADD=1 commit -m "gitlink removed"
# a Latin-1 message (git show converts it) and an unknown encoding
git config i18n.commitEncoding ISO-8859-1
NOADD=1 commit -m "$(printf 'caf\351 latin-1\n\nna\357ve\tx')"
git config i18n.commitEncoding no-such-encoding
NOADD=1 commit -m "$(printf 'x\351y')"
git config --unset i18n.commitEncoding
# an unrelated root without files
git checkout -q --orphan lonely
git rm -rq --cached .
NOADD=1 commit -m "empty root"
git checkout -q -f main

# tags, for decorations
git tag v0.1 HEAD~3
git tag -a -m "release" v0.2 HEAD~1

# mailmap and notes
printf 'Mapped Name <mapped@example.com> <tester@example.com>\n' > .mailmap
git add .mailmap
commit -m "mailmap"
git notes add -m "a note
second line" HEAD

# random commits
RANDOM=42
files=()
for i in $(seq 1 12); do files+=("r/d$((i % 3))/f$i"); done
mkdir -p r/d0 r/d1 r/d2
for step in $(seq 1 60); do
	for k in 1 2 3; do
		f=${files[$((RANDOM % ${#files[@]}))]}
		case $((RANDOM % 7)) in
		0|1|2) lines "$f" $((RANDOM % 20)) $((RANDOM % 200)) ;;
		3) [ -f "$f" ] && sed -i "$((RANDOM % 5 + 1))d" "$f" ;;
		4) rm -f "$f" ;;
		5) if [ -f "$f" ]; then t=r/d$((RANDOM % 3))/m$step$k
			mv "$f" "$t"; echo "r$step" >> "$t"; fi ;;
		6) head -c $((RANDOM % 500)) /dev/urandom > "$f.bin" ;;
		esac
	done
	git add -A r
	commit -m "random $step"
done

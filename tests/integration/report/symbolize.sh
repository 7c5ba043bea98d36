#!/usr/bin/env bash
# culprit report --symbolize: builds a small C program with inlined
# functions (gcc -g -O2), makes a kernel-style report whose frames are
# "func+0xoff/0xsize" inside it, and checks file:line and [inline] frames.
. "$(dirname "$0")/../lib.sh"

if ! command -v gcc >/dev/null || ! command -v nm >/dev/null; then
	skip "gcc or nm missing"
	finish
	exit 0
fi
cat >"$TMP/prog.c" <<'EOS'
#include <stdio.h>
#include <stdlib.h>

volatile int sink;

static inline __attribute__((always_inline)) void leaf_inline(int x)
{
	sink = x * 3;
	sink += x;
}

static inline __attribute__((always_inline)) void middle_inline(int x)
{
	leaf_inline(x + 1);
	sink ^= 5;
}

__attribute__((noinline)) void outer_func(int x)
{
	middle_inline(x);
	sink -= 7;
}

int main(int argc, char **argv)
{
	(void)argv;
	outer_func(argc);
	printf("%d\n", sink);
	return 0;
}
EOS
if ! gcc -g -O2 -o "$TMP/prog" "$TMP/prog.c" 2>"$TMP/cc.err"; then
	fail "compile the test program"
	cat "$TMP/cc.err"
	finish
	exit 1
fi
size=$(nm -S "$TMP/prog" | awk '$4 == "outer_func" { print $2 }')
if [ -z "$size" ]; then
	fail "outer_func in the symbol table"
	finish
	exit 1
fi
sizehex=$(printf '%x' $((16#$size)))
{
	echo "[    5.000000] WARNING: CPU: 0 PID: 1 at prog.c:9 outer_func+0x1/0x$sizehex"
	echo "[    5.000001] RIP: 0010:outer_func+0x1/0x$sizehex"
	echo "[    5.000002] Call Trace:"
	for ((off = 1; off < 16#$size; off++)); do
		printf '[    5.000003]  outer_func+0x%x/0x%s\n' "$off" "$sizehex"
	done
	echo "[    5.000004]  not_in_binary+0x10/0x40"
} >"$TMP/report.log"

"$CULPRIT" report --symbolize "$TMP/prog" "$TMP/report.log" >"$TMP/out.txt"
check "exit status with --symbolize" 10 "$?"
if grep -q "^ *leaf_inline .*prog\.c:[0-9]* \[inline\]$" "$TMP/out.txt"; then
	pass "inlined leaf function has its own [inline] frame"; else fail "leaf_inline [inline] frame"; fi
if grep -q "^ *middle_inline .*prog\.c:[0-9]* \[inline\]$" "$TMP/out.txt"; then
	pass "inlined middle function has its own [inline] frame"; else fail "middle_inline [inline] frame"; fi
if grep -q "^ *outer_func+0x[0-9a-f]*/0x$sizehex .*prog\.c:2[0-2]$" "$TMP/out.txt"; then
	pass "outer frame gets file:line of the call site"; else fail "outer_func file:line"; fi
# An inline frame comes right before the frame it was inlined into.
order=$(grep -A1 "middle_inline .*\[inline\]" "$TMP/out.txt" | sed -n 2p | grep -c "outer_func+0x")
check "[inline] frame precedes its caller" 1 "$order"
# The leaf's line is inside leaf_inline's body (lines 8-9).
if grep -q "leaf_inline .*prog\.c:[89] \[inline\]" "$TMP/out.txt"; then
	pass "leaf line inside its body"; else fail "leaf line inside its body"; grep leaf_inline "$TMP/out.txt" | head -3; fi
check "unknown symbols stay as they are" 1 "$(grep -c "^ not_in_binary+0x10/0x40$" "$TMP/out.txt")"
json=$("$CULPRIT" report --json --symbolize "$TMP/prog" "$TMP/report.log")
inl=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(sum(1 for f in d["frames"] if f.get("inline") and f["func"]=="leaf_inline" and f["file"].endswith("prog.c")))' "$json")
if [ "${inl:-0}" -gt 0 ]; then pass "json frames carry inline, file, line"; else fail "json inline frames"; fi
# Unsymbolized sanitizer output: "#N 0xPC (/path/prog+0xOFF)" frames.
addr=$(nm "$TMP/prog" | awk '$3 == "outer_func" { print $1 }')
{
	echo "==1==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010 at pc 0x1"
	echo "READ of size 4 at 0x602000000010 thread T0"
	for ((k = 1; k < 16#$size; k++)); do
		printf '    #0 0x55d0c1a2b000 (/elsewhere/prog+0x%x)\n' $((16#$addr + k))
	done
	echo "    #1 0x7f0000000000 (/lib/x86_64-linux-gnu/libc.so.6+0x2724a)"
} >"$TMP/asan.log"
"$CULPRIT" report --json --symbolize "$TMP/prog" "$TMP/asan.log" >"$TMP/asan.json"
check "exit status for sanitizer output" 10 "$?"
t=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["title"])' "$TMP/asan.json")
case "$t" in
"AddressSanitizer: heap-use-after-free READ in "*_inline|"AddressSanitizer: heap-use-after-free READ in outer_func")
	pass "sanitizer title from symbolized frames: $t";;
*) fail "sanitizer title from symbolized frames: $t";;
esac
n=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for f in d["frames"] if f["func"] == "outer_func" and f.get("file", "").endswith("prog.c")))' "$TMP/asan.json")
if [ "${n:-0}" -gt 0 ]; then pass "sanitizer frames get function and file:line"; else fail "sanitizer frames symbolized"; fi
n=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for f in d["frames"] if f.get("inline")))' "$TMP/asan.json")
if [ "${n:-0}" -gt 0 ]; then pass "sanitizer frames get [inline] frames"; else fail "sanitizer inline frames"; fi
check "other modules left alone" 1 "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["report"].count("libc.so.6+0x2724a"))' "$TMP/asan.json")"

expect_status "missing binary" 9 "$CULPRIT" report --symbolize "$TMP/nope" "$TMP/report.log"
finish

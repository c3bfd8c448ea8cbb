#!/usr/bin/env python3
"""Marks one version requirement of an ELF64 shared library weak (VER_FLG_WEAK in its .gnu.version_r entry).

Usage: weaken_version.py LIBRARY VERSION   e.g. weaken_version.py libLibTorchSharp.so GLIBCXX_3.4.32

The dynamic loader refuses to load a library that requires a version its dependency does not define, even when no
symbol still uses that version (patchelf --clear-symbol-version only unversions the symbols). A weak requirement that
is not met is not fatal (glibc elf/dl-version.c), so this makes the library loadable against an older libstdc++.
"""
import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def main(path: str, version: str) -> int:
    with open(path, "r+b") as f:
        data = bytearray(f.read())
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            print(f"{path}: not a little-endian ELF64 file", file=sys.stderr)
            return 1
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
        sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
        changed = 0
        for _, sh_type, _, _, sh_offset, _, sh_link, sh_info, _, _ in sections:
            if sh_type != SHT_GNU_VERNEED:
                continue
            strtab = sections[sh_link][4]
            at = sh_offset
            for _ in range(sh_info):
                _, vn_cnt, vn_file, vn_aux, vn_next = struct.unpack_from("<HHIII", data, at)
                aux = at + vn_aux
                for _ in range(vn_cnt):
                    _, flags, _, name, vna_next = struct.unpack_from("<IHHII", data, aux)
                    end = data.index(0, strtab + name)
                    if data[strtab + name:end].decode() == version:
                        struct.pack_into("<H", data, aux + 4, flags | VER_FLG_WEAK)
                        changed += 1
                    aux += vna_next
                at += vn_next
        if changed == 0:
            print(f"{path}: no requirement of {version} (already patched, or another build)", file=sys.stderr)
            return 0
        f.seek(0)
        f.write(data)
    print(f"{path}: {version} requirement marked weak")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))

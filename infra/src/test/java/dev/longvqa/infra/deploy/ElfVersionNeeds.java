package dev.longvqa.infra.deploy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;

/**
 * The symbol versions a shared object needs from the libraries it links ({@code .gnu.version_r},
 * what {@code objdump -T} shows as {@code GLIBC_2.35}, {@code GLIBCXX_3.4.29}): the dynamic loader
 * refuses to load it where the system's glibc or libstdc++ lacks one of them. ELF64 little-endian
 * (x86_64 and aarch64 Linux) only.
 */
final class ElfVersionNeeds {
  private static final int SHT_GNU_VERNEED = 0x6ffffffe;

  private ElfVersionNeeds() {}

  static boolean isElf(byte[] b) {
    return b.length > 64 && b[0] == 0x7f && b[1] == 'E' && b[2] == 'L' && b[3] == 'F';
  }

  /** Every needed version name, e.g. {@code GLIBC_2.14}, {@code GLIBCXX_3.4.19}. */
  static Set<String> of(byte[] file) {
    if (!isElf(file)) throw new IllegalArgumentException("not an ELF file");
    if (file[4] != 2 || file[5] != 1) throw new IllegalArgumentException("only ELF64 little-endian is read");
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    long shoff = b.getLong(0x28);
    int shentsize = Short.toUnsignedInt(b.getShort(0x3A));
    int shnum = Short.toUnsignedInt(b.getShort(0x3C));
    Set<String> versions = new TreeSet<>();
    for (int i = 0; i < shnum; i++) {
      int sh = (int) (shoff + (long) i * shentsize);
      if (b.getInt(sh + 4) != SHT_GNU_VERNEED) continue;
      long offset = b.getLong(sh + 0x18);
      int link = b.getInt(sh + 0x28); // the string table of the names
      int entries = b.getInt(sh + 0x2C); // sh_info: number of Verneed entries
      long strtab = b.getLong((int) (shoff + (long) link * shentsize) + 0x18);
      int vn = (int) offset;
      for (int n = 0; n < entries; n++) {
        int cnt = Short.toUnsignedInt(b.getShort(vn + 2));
        int aux = vn + b.getInt(vn + 8);
        for (int a = 0; a < cnt; a++) {
          versions.add(cString(file, (int) (strtab + Integer.toUnsignedLong(b.getInt(aux + 8)))));
          aux += b.getInt(aux + 12);
        }
        vn += b.getInt(vn + 12);
      }
    }
    return versions;
  }

  private static String cString(byte[] file, int at) {
    int end = at;
    while (file[end] != 0) end++;
    return new String(file, at, end - at, StandardCharsets.US_ASCII);
  }

  /** Compares dotted versions numerically: {@code 2.35 > 2.4}. */
  static int compare(String a, String b) {
    String[] x = a.split("\\."), y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int c = Integer.compare(i < x.length ? Integer.parseInt(x[i]) : 0, i < y.length ? Integer.parseInt(y[i]) : 0);
      if (c != 0) return c;
    }
    return 0;
  }
}

package dev.weft.core.state;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The format of a journal file: one record per line, {@code CRC32-in-hex SPACE record LF}. A
 * line whose checksum does not match, or the last line without its LF (a write cut short by a
 * crash or a full disk), ends what is read: it and anything after it are dropped. Pure.
 */
final class JournalFile {
    /** A record longer than this is refused (records are a few hundred bytes). */
    static final int MAX_RECORD = 1 << 20;

    private JournalFile() {
    }

    /** What a file holds: the good records and how many bytes of the file they take. */
    record Contents(List<String> records, long validBytes) {
    }

    static byte[] line(String record) {
        if (record.indexOf('\n') >= 0 || record.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a journal record is one line (it contains a line break)");
        }
        byte[] payload = record.getBytes(StandardCharsets.UTF_8);
        if (payload.length > MAX_RECORD) {
            throw new IllegalArgumentException("a journal record is at most " + MAX_RECORD + " bytes (was "
                    + payload.length + ")");
        }
        byte[] head = String.format("%08x ", crc(payload, 0, payload.length)).getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + payload.length + 1];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(payload, 0, out, head.length, payload.length);
        out[out.length - 1] = '\n';
        return out;
    }

    static Contents parse(byte[] file) {
        List<String> records = new ArrayList<>();
        int at = 0;
        while (at < file.length) {
            int nl = indexOf(file, (byte) '\n', at);
            if (nl < 0 || nl - at < 9 || file[at + 8] != ' ') {
                break;
            }
            long want;
            try {
                want = Long.parseLong(new String(file, at, 8, StandardCharsets.US_ASCII), 16);
            } catch (NumberFormatException e) {
                break;
            }
            if (crc(file, at + 9, nl - at - 9) != want) {
                break;
            }
            records.add(new String(file, at + 9, nl - at - 9, StandardCharsets.UTF_8));
            at = nl + 1;
        }
        return new Contents(records, at);
    }

    private static int indexOf(byte[] b, byte x, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    private static long crc(byte[] b, int off, int len) {
        CRC32 c = new CRC32();
        c.update(b, off, len);
        return c.getValue();
    }
}

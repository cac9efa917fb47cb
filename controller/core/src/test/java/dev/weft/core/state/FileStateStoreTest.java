package dev.weft.core.state;

import dev.weft.api.state.Journal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileStateStoreTest {
    @TempDir
    Path dir;

    private static void await(Journal j) throws Exception {
        j.written().get(10, TimeUnit.SECONDS);
    }

    @Test
    void whatIsAppendedIsThereAfterAReopenInOrder() throws Exception {
        List<String> want = new ArrayList<>();
        try (FileStateStore s = new FileStateStore(dir)) {
            Journal j = s.open("migrations");
            assertEquals(List.of(), j.records());
            for (int i = 0; i < 500; i++) {
                String r = "{\"seq\":" + i + ",\"name\":\"vm-ü-" + i + "\"}";
                j.append(r);
                want.add(r);
            }
            await(j);
        }
        try (FileStateStore s = new FileStateStore(dir)) {
            assertEquals(want, s.open("migrations").records());
            assertEquals(List.of(), s.open("other").records(), "journals are apart");
        }
    }

    @Test
    void writtenMeansOnDiskWithoutAClose() throws Exception {
        // What a kill -9 leaves: the files as written, the store never closed.
        FileStateStore s = new FileStateStore(dir);
        Journal j = s.open("usage");
        j.append("a");
        j.append("b");
        await(j);
        JournalFile.Contents c = JournalFile.parse(Files.readAllBytes(dir.resolve("usage.journal")));
        assertEquals(List.of("a", "b"), c.records());
        s.close();
    }

    @Test
    void aRecordCutShortByACrashIsDroppedWithWhatFollowsAndTheFileRepaired() throws Exception {
        try (FileStateStore s = new FileStateStore(dir)) {
            Journal j = s.open("j");
            j.append("one");
            j.append("two");
            await(j);
        }
        Path f = dir.resolve("j.journal");
        byte[] half = JournalFile.line("three-is-longer");
        Files.write(f, java.util.Arrays.copyOf(half, half.length - 5), StandardOpenOption.APPEND);
        try (FileStateStore s = new FileStateStore(dir)) {
            Journal j = s.open("j");
            assertEquals(List.of("one", "two"), j.records());
            j.append("four");
            await(j);
        }
        try (FileStateStore s = new FileStateStore(dir)) {
            assertEquals(List.of("one", "two", "four"), s.open("j").records(), "appends go after the good part");
        }
    }

    @Test
    void aLineWhoseChecksumIsWrongEndsTheJournal() throws Exception {
        Path f = dir.resolve("j.journal");
        byte[] good = JournalFile.line("good");
        byte[] bad = JournalFile.line("flipped");
        bad[12] ^= 0x01;
        Files.write(f, concat(good, bad, JournalFile.line("after")));
        try (FileStateStore s = new FileStateStore(dir)) {
            assertEquals(List.of("good"), s.open("j").records());
        }
        assertEquals(good.length, Files.size(f));
    }

    @Test
    void replaceKeepsOnlyTheSummaryAndLaterAppends() throws Exception {
        try (FileStateStore s = new FileStateStore(dir)) {
            Journal j = s.open("c");
            for (int i = 0; i < 100; i++) {
                j.append("x" + i);
            }
            j.replace(List.of("sum=4950"));
            j.append("x100");
            await(j);
        }
        try (FileStateStore s = new FileStateStore(dir)) {
            assertEquals(List.of("sum=4950", "x100"), s.open("c").records());
        }
        assertFalse(Files.exists(dir.resolve("c.journal.tmp")));
    }

    @Test
    void aSecondControllerCannotUseTheSameDirectory() {
        try (FileStateStore s = new FileStateStore(dir)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new FileStateStore(dir));
            assertTrue(e.getMessage().contains("in use by another running Weft"), e.getMessage());
        }
        new FileStateStore(dir).close(); // free again once closed
    }

    @Test
    void namesAndRecordsAreChecked() {
        try (FileStateStore s = new FileStateStore(dir)) {
            assertThrows(IllegalArgumentException.class, () -> s.open("../etc"));
            assertThrows(IllegalArgumentException.class, () -> s.open("Upper"));
            Journal j = s.open("ok-1");
            assertThrows(IllegalStateException.class, () -> s.open("ok-1"));
            assertThrows(IllegalArgumentException.class, () -> j.append("two\nlines"));
        }
    }

    @Test
    void aDirectoryThatCannotBeMadeIsOneSentence() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x", StandardCharsets.UTF_8);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new FileStateStore(file.resolve("sub")));
        assertTrue(e.getMessage().startsWith("the state directory " + file.resolve("sub") + " cannot be used"),
                e.getMessage());
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}

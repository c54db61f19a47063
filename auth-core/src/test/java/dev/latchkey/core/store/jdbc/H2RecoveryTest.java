package dev.latchkey.core.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.api.Identity;
import dev.latchkey.api.UserType;
import dev.latchkey.core.config.StoreSettings;
import dev.latchkey.core.store.NewUser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link H2Recovery} on real H2 files. The crash is real in the way that matters: a copy of the
 * file taken while the store is open holds exactly what a killed process leaves behind (every
 * write H2 made has reached the file; nothing more will).
 */
class H2RecoveryTest {
    private static final Instant T0 = Instant.parse("2026-11-28T10:15:30Z");
    private static final Pattern CHUNK_HEADER = Pattern.compile("chunk:([0-9a-f]+),len:([0-9a-f]+),");
    @TempDir
    Path directory;

    @Test
    void aCommitThatH2sOwnOpenMissesAfterAKillIsThereAfterRecovery() throws Exception {
        Path killed = directory.resolve("killed.mv.db");
        Crash crash = crashWhereH2LosesTheLastCommit(killed);

        assertThat(H2Recovery.recoverIfNotClosedCleanly(killed)).as("versions H2 would have lost").isPositive();
        assertThat(valueAfterOpen(killed, crash)).as("the last commit's value").isEqualTo(crash.value());
        // Recovery leaves a file that H2 reads as closed cleanly: the next start trusts its header.
        assertThat(H2Recovery.recoverIfNotClosedCleanly(killed)).isZero();
        assertThat(valueAfterOpen(killed, crash)).isEqualTo(crash.value());
    }

    @Test
    void aFileDamagedBeyondWhatACrashLeavesIsRefusedAndLeftAsItWas() throws Exception {
        // Recovery would read the damaged pages as empty ones and write that: a database without its
        // tables, opened "cleanly". A crash never damages a chunk it finished writing.
        Path killed = directory.resolve("damaged.mv.db");
        crashWhereH2LosesTheLastCommit(killed);
        damageTheNewestChunksPages(killed);
        byte[] before = Files.readAllBytes(killed);

        assertThatThrownBy(() -> H2Recovery.recoverIfNotClosedCleanly(killed))
                .isInstanceOfSatisfying(AuthException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION);
                    assertThat(e.getMessage()).contains(killed.toString(), "damaged beyond what a crash leaves", "backup");
                });
        assertThat(Files.readAllBytes(killed)).isEqualTo(before);
    }

    @Test
    void anEmptyFileIsLeftToH2WhichStartsANewStoreInIt() throws Exception {
        // A kill right after H2 made the file.
        Path file = directory.resolve("empty.mv.db");
        Files.createFile(file);
        assertThat(H2Recovery.recoverIfNotClosedCleanly(file)).isZero();
        assertThat(Files.size(file)).isZero();
    }

    @Test
    void theEmbeddedStoreIsRecoveredWhenItOpensAfterACrash() throws Exception {
        Path running = directory.resolve("running");
        Path crashed = directory.resolve("crashed");
        try (JdbcStore store = JdbcStores.open(StoreSettings.DEFAULT, running, "app")) {
            store.logInIdentity(Identity.of("test-idp", "ann"), new NewUser("u1", UserType.NORMAL, T0), T0);
            // What a kill leaves: the file as it is while the store is open.
            Files.createDirectories(crashed.resolve("app"));
            Files.copy(running.resolve("app").resolve(JdbcStores.H2_FILE + ".mv.db"),
                    crashed.resolve("app").resolve(JdbcStores.H2_FILE + ".mv.db"));
        }
        List<String> logged = new ArrayList<>();
        Logger logger = Logger.getLogger(H2Recovery.class.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(new SimpleFormatter().formatMessage(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try (JdbcStore store = JdbcStores.open(StoreSettings.DEFAULT, crashed, "app")) {
            assertThat(store.findUserByIdentity("test-idp", "ann")).hasValueSatisfying(u -> assertThat(u.id()).isEqualTo("u1"));
        } finally {
            logger.removeHandler(handler);
        }
        assertThat(logged).anySatisfy(line -> assertThat(line).startsWith("the store was not closed cleanly; recovered version"));
    }

    @Test
    void aFileClosedCleanlyIsLeftAsItIs() throws Exception {
        Path file = directory.resolve("clean.mv.db");
        MVStore store = new MVStore.Builder().fileName(file.toString()).open();
        store.<Integer, String>openMap("m").put(1, "one");
        store.close();
        byte[] before = Files.readAllBytes(file);

        assertThat(H2Recovery.recoverIfNotClosedCleanly(file)).isZero();
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void aMissingFileIsNotCreated() {
        Path file = directory.resolve("absent.mv.db");
        assertThat(H2Recovery.recoverIfNotClosedCleanly(file)).isZero();
        assertThat(file).doesNotExist();
    }

    @Test
    void aFileThatIsOpenIsLeftToH2sOwnOpen() {
        // Another engine of this process shares it, or another process has it (which H2's open refuses).
        Path file = directory.resolve("open.mv.db");
        MVStore holder = new MVStore.Builder().fileName(file.toString()).open();
        try {
            holder.<Integer, String>openMap("m").put(1, "one");
            holder.commit();
            assertThat(H2Recovery.recoverIfNotClosedCleanly(file)).isZero();
            assertThat(holder.<Integer, String>openMap("m").get(1)).isEqualTo("one");
        } finally {
            holder.close();
        }
    }

    @Test
    void aFileThatIsNotAnH2StoreIsAConfigurationError() throws Exception {
        Path file = directory.resolve("garbage.mv.db");
        Files.write(file, new byte[8192]);
        assertThatThrownBy(() -> H2Recovery.recoverIfNotClosedCleanly(file))
                .isInstanceOfSatisfying(AuthException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION);
                    assertThat(e.getMessage()).contains(file.toString());
                });
    }

    /** Where the crash left the file: the map and key of the last commit, and the value it wrote. */
    private record Crash(String map, int key, String value) {
    }

    /**
     * Commits values of mixed sizes to a few maps, with freed space reused at once, and after each
     * commit copies the file (a kill at that moment), until H2's normal open of a copy misses the
     * last commit: a chunk put in a gap other than the one its predecessor predicted. Deterministic
     * (H2 allocates space from the file's state alone); it fails loudly if a future H2 never loses
     * one, which is the sign to re-check whether {@link H2Recovery} is still needed.
     */
    private Crash crashWhereH2LosesTheLastCommit(Path killed) throws Exception {
        for (int seed = 0; seed < 50; seed++) {
            Path file = directory.resolve("live-" + seed + ".mv.db");
            MVStore store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open();
            try {
                store.setRetentionTime(0);
                Random random = new Random(seed);
                for (int step = 0; step < 60; step++) {
                    String map = "m" + random.nextInt(4);
                    int key = random.nextInt(3);
                    boolean large = random.nextInt(4) == 0;
                    int length = large ? 1000 + random.nextInt(30000) : 10 + random.nextInt(200);
                    String value = step + ":" + "x".repeat(length);
                    store.<Integer, String>openMap(map).put(key, value);
                    store.commit();
                    Files.copy(file, killed, StandardCopyOption.REPLACE_EXISTING);
                    Crash crash = new Crash(map, key, value);
                    if (!value.equals(valueAfterOpen(killed, crash))) {
                        return crash;
                    }
                }
            } finally {
                store.closeImmediately();
            }
        }
        throw new AssertionError("H2 no longer loses a commit after a kill in this scenario:"
                + " check whether H2Recovery is still needed");
    }

    /**
     * Turns the pages of the file's newest chunk (the highest id among the chunk headers, which
     * start a block with {@code chunk:<id>,len:<blocks>,}) into garbage, its header and footer left whole.
     */
    private static void damageTheNewestChunksPages(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        int newestId = -1;
        long newestBlock = -1;
        int newestLength = 0;
        for (int offset = 0; offset + 64 < bytes.length; offset += 4096) {
            String head = new String(bytes, offset, 64, StandardCharsets.ISO_8859_1);
            Matcher m = CHUNK_HEADER.matcher(head);
            if (m.lookingAt() && Integer.parseInt(m.group(1), 16) > newestId) {
                newestId = Integer.parseInt(m.group(1), 16);
                newestBlock = offset / 4096;
                newestLength = Integer.parseInt(m.group(2), 16);
            }
        }
        assertThat(newestId).as("a chunk header in the file").isNotNegative();
        long start = newestBlock * 4096 + 1024;
        long end = (newestBlock + newestLength) * 4096 - 256;
        for (long i = start; i < end; i++) {
            bytes[(int) i] ^= 0x5a;
        }
        Files.write(file, bytes);
    }

    /** What a read-only open (H2's normal one, as the database's would be) finds for the crash's key. */
    private static String valueAfterOpen(Path file, Crash crash) {
        MVStore store = new MVStore.Builder().fileName(file.toString()).readOnly().open();
        try {
            MVMap<Integer, String> map = store.openMap(crash.map());
            return map.get(crash.key());
        } finally {
            store.close();
        }
    }
}

package dev.latchkey.core.store.jdbc;

import dev.latchkey.api.AuthException;
import dev.latchkey.api.ErrorCode;
import dev.latchkey.core.text.Printable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

/**
 * Before H2 opens the embedded store after an unclean shutdown (the process killed), finds the
 * newest complete version in the file and makes the file's header name it, so that H2 opens
 * with every commit that had returned.
 *
 * <p>Why: H2 2.5.252 (and 2.4.240, whose storeBuffer has the same order) writes a commit as a
 * chunk, and, when it puts a chunk in a free gap of the file other than where the previous
 * chunk predicted, rewrites the file header, but with the previous chunk in it
 * (FileStore.storeBuffer sets lastChunk only after writeChunk has written the header). After a
 * kill, H2's normal open follows the header's chain of predictions, stops before that chunk, and
 * opens an older version: commits that had returned are gone until the next header write, up to
 * 20 chunks later. CrashSafetyTest lost log-ins this way; the chunks were all in the file
 * (docs/decisions.md, "H2 loses chunks after a kill").
 * H2's own recovery mode ({@link MVStore.Builder#recoveryMode()}) scans the whole file for the
 * newest chunk whose chunks are all present and valid, which finds them; closing that store
 * cleanly writes a header that names it. A file closed cleanly is left alone: its header is
 * trusted, and the scan (a read of every chunk's header) is only paid after a crash.
 */
final class H2Recovery {
    private static final System.Logger LOG = System.getLogger(H2Recovery.class.getName());
    /** The header entry H2 writes on a clean close (FileStore.HDR_CLEAN). */
    private static final String CLEAN = "clean";

    private H2Recovery() {
    }

    /**
     * Recovers the file if it was not closed cleanly.
     *
     * @param file the H2 file ({@code <name>.mv.db}); nothing is done when it does not exist, is empty, or
     *     when it is open (another engine of this process shares it, or another process has it,
     *     which H2's own open then reports)
     * @return the versions H2's own open would have lost (0 when none, or when nothing was done)
     * @throws AuthException {@link ErrorCode#CONFIGURATION} when the file cannot be read as an H2
     *     store, or is damaged beyond what a crash leaves (then it is left as it was)
     */
    static long recoverIfNotClosedCleanly(Path file) {
        if (!isNonEmptyFile(file)) {
            // H2 starts a new store in a missing or empty file (a kill right after it made one).
            return 0;
        }
        String name = file.toString();
        try {
            long headerVersion;
            MVStore asIs = new MVStore.Builder().fileName(name).readOnly().open();
            try {
                Map<String, Object> header = asIs.getFileStore().getStoreHeader();
                if (header.containsKey(CLEAN)) {
                    return 0;
                }
                headerVersion = asIs.getCurrentVersion();
            } finally {
                asIs.close();
            }
            long newest = recover(name, headerVersion);
            long lost = newest - headerVersion;
            LOG.log(lost > 0 ? System.Logger.Level.WARNING : System.Logger.Level.INFO,
                    "the store was not closed cleanly; recovered version {0} (H2's own open would have found {1}: "
                            + "{2} versions behind)", newest, headerVersion, lost);
            return lost;
        } catch (MVStoreException e) {
            if (e.getErrorCode() == DataUtils.ERROR_FILE_LOCKED) {
                // Open, so not a crash to recover from here: H2's open shares it within this process,
                // and refuses it, with our hint, when another process has it.
                LOG.log(System.Logger.Level.DEBUG, "the store is open elsewhere; no recovery needed here");
                return 0;
            }
            throw new AuthException(ErrorCode.CONFIGURATION, "store: " + Printable.cut(name, 200)
                    + " cannot be read as an H2 store: " + Printable.cut(String.valueOf(e.getMessage()), 300));
        } catch (AuthException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new AuthException(ErrorCode.CONFIGURATION, "store: " + Printable.cut(name, 200)
                    + " cannot be read as an H2 store (" + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * Opens the file in H2's recovery mode and, when what it found is what a crash leaves, closes
     * it cleanly, which writes a header naming the newest complete chunk and nothing else.
     *
     * @return the recovered version
     * @throws AuthException {@link ErrorCode#CONFIGURATION}, leaving the file as it was, when the
     *     recovery would change more than the header: it reads a page it cannot read as an empty
     *     one and would write that, or it went back behind the header's version. That is damage,
     *     not a crash; H2's own open then says what it finds, and no recovery should hide it.
     */
    private static long recover(String name, long headerVersion) {
        MVStore recovered = new MVStore.Builder().fileName(name).recoveryMode().autoCommitDisabled().open();
        boolean closed = false;
        try {
            long newest = recovered.getCurrentVersion();
            if (newest < headerVersion || recovered.hasUnsavedChanges()) {
                throw new AuthException(ErrorCode.CONFIGURATION, "store: " + Printable.cut(name, 200)
                        + " is damaged beyond what a crash leaves: H2's recovery would have to drop or go back"
                        + " (version " + newest + " against " + headerVersion + " in the header). Keep a copy of the"
                        + " file and restore the data directory from a backup");
            }
            recovered.close(0);
            closed = true;
            return newest;
        } finally {
            if (!closed) {
                recovered.closeImmediately();
            }
        }
    }

    private static boolean isNonEmptyFile(Path file) {
        try {
            return Files.isRegularFile(file) && Files.size(file) > 0;
        } catch (IOException e) {
            return false;
        }
    }
}

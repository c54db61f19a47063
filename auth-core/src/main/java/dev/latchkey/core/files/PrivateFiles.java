package dev.latchkey.core.files;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Owner-only files and directories (SECURITY.md 28): creates them 0700 / 0600 and checks that
 * what is found there is a real file or directory (not a symbolic link), owned by this process's
 * user, and (for files) readable by nobody else. Permissions are set explicitly after creation:
 * the umask may only take bits away, and an explicit set does not depend on it at all.
 *
 * <p>A check that finds something it must not trust throws {@link UntrustedFileException}; any
 * other {@link IOException} means the check itself could not be made (the file is not there
 * ({@link NoSuchFileException}), the OS refused, the disk failed).
 *
 * <p>On a file system without POSIX attributes (Windows) only the link, type and size checks
 * apply; there the user profile's ACLs are what keep the file private.
 */
public final class PrivateFiles {
    private static final System.Logger LOG = System.getLogger(PrivateFiles.class.getName());

    /** Owner only, for directories. */
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    /** Owner only, for files. */
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private final boolean posix;
    /** This process's uid, or -1 where the file system has no uids. */
    private final long uid;

    /**
     * Checks for the file system the files will live on, as the process's user.
     *
     * @param directory a path on that file system
     */
    public PrivateFiles(Path directory) {
        this(directory, () -> new UnixSystem().getUid());
    }

    /**
     * As {@link #PrivateFiles(Path)}, learning the process's uid from {@code uidSource}; for tests
     * of a runtime without {@code UnixSystem}.
     */
    PrivateFiles(Path directory, LongSupplier uidSource) {
        this.posix = directory.getFileSystem().supportedFileAttributeViews().contains("posix");
        this.uid = directory.getFileSystem().supportedFileAttributeViews().contains("unix") ? processUid(uidSource) : -1;
    }

    /**
     * The process's uid. {@code UnixSystem} lives in the module jdk.security.auth, which a runtime
     * made with jlink may leave out: then the owner of a file this process creates is its uid
     * (the one that owns what it writes, which is what the checks compare), and if even that
     * fails, owners are not checked, with a warning.
     */
    private static long processUid(LongSupplier uidSource) {
        try {
            return uidSource.getAsLong();
        } catch (LinkageError noJdkSecurityAuth) {
            try {
                Path probe = Files.createTempFile("latchkey-uid-", ".probe");
                try {
                    Object owner = Files.getAttribute(probe, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                    if (owner instanceof Integer id) {
                        return Integer.toUnsignedLong(id);
                    }
                } finally {
                    Files.deleteIfExists(probe);
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot tell this process's uid ({0} without module jdk.security.auth, then {1}):"
                        + " files are not checked for their owner", noJdkSecurityAuth.getClass().getSimpleName(), e.getClass().getSimpleName());
                return -1;
            }
            LOG.log(System.Logger.Level.WARNING, "cannot tell this process's uid (no module jdk.security.auth, no unix:uid):"
                    + " files are not checked for their owner");
            return -1;
        }
    }

    /**
     * The attribute to create a private file with (or none, without POSIX).
     *
     * @return the attributes for {@code Files.createFile} and friends
     */
    public FileAttribute<?>[] fileAttributes() {
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
    }

    /**
     * Creates the directory (0700) and its missing parents (0700 too: they are made for our data
     * only), or checks the one that is there and takes group and other permissions off it.
     *
     * @param directory the directory
     * @throws IOException when it cannot be created, or what is there is not a private directory of ours
     */
    public void createDirectory(Path directory) throws IOException {
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            Path parent = directory.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                if (posix) {
                    Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(DIRECTORY));
                } else {
                    Files.createDirectories(parent);
                }
            }
            try {
                if (posix) {
                    Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(DIRECTORY));
                } else {
                    Files.createDirectory(directory);
                }
            } catch (FileAlreadyExistsException racedWithAnotherProcess) {
                // Checked below like any directory that was already there.
            }
        }
        checkDirectory(directory);
        if (posix && !Files.getPosixFilePermissions(directory, LinkOption.NOFOLLOW_LINKS).equals(DIRECTORY)) {
            Files.setPosixFilePermissions(directory, DIRECTORY);
        }
    }

    /**
     * Checks a directory that exists: a real directory (a symbolic link could point anywhere,
     * including at another user's files), owned by us (its owner could swap our files).
     *
     * @param directory the directory
     * @throws UntrustedFileException with a message fit for a log line when it is not
     * @throws IOException when it cannot be checked ({@link NoSuchFileException} when it is not there)
     */
    public void checkDirectory(Path directory) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(directory, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attributes.isSymbolicLink()) {
            throw new UntrustedFileException(directory + " is a symbolic link");
        }
        if (!attributes.isDirectory()) {
            throw new UntrustedFileException(directory + " is not a directory");
        }
        checkOwner(directory);
    }

    /**
     * Checks a directory as {@link #checkDirectory} does, and that nobody but its owner has any
     * permission on it: in a directory others may write, a file can be swapped between its check
     * and its opening, or a FIFO planted, so nothing in it is to be trusted.
     *
     * @param directory the directory
     * @throws UntrustedFileException when it is not a private directory of ours
     * @throws IOException when it cannot be checked ({@link NoSuchFileException} when it is not there)
     */
    public void checkPrivateDirectory(Path directory) throws IOException {
        checkDirectory(directory);
        if (posix) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(directory, LinkOption.NOFOLLOW_LINKS);
            if (!DIRECTORY.containsAll(permissions)) {
                throw new UntrustedFileException(directory + " has permissions " + PosixFilePermissions.toString(permissions)
                        + "; only its owner may have any (rwx------)");
            }
        }
    }

    /**
     * Checks a file that exists: a regular file, not a link, owned by us. Its permissions are the
     * caller's to judge (see {@link #checkFile}).
     *
     * @param file the file
     * @return its attributes (POSIX ones where the file system has them), as checked
     * @throws UntrustedFileException when it is not a regular file of ours
     * @throws IOException when it cannot be checked ({@link NoSuchFileException} when it is not there)
     */
    public BasicFileAttributes checkRegularFile(Path file) throws IOException {
        BasicFileAttributes attributes = posix
                ? Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                : Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attributes.isSymbolicLink()) {
            throw new UntrustedFileException(file + " is a symbolic link");
        }
        if (!attributes.isRegularFile()) {
            throw new UntrustedFileException(file + " is not a regular file");
        }
        checkOwner(file);
        return attributes;
    }

    /**
     * Whether a file's permissions, as {@link #checkRegularFile} returned them, leave out group
     * and others; always true without POSIX attributes.
     *
     * @param attributes the file's attributes
     * @return whether only the owner has permissions
     */
    public boolean ownerOnly(BasicFileAttributes attributes) {
        return !(attributes instanceof PosixFileAttributes p) || FILE.containsAll(p.permissions());
    }

    /**
     * Checks a file that exists: a regular file, not a link, owned by us, no permission for group
     * or others (a file others could read may have leaked its tokens; one they could write may
     * hold theirs), at most {@code maxBytes} long.
     *
     * @param file the file
     * @param maxBytes the largest size accepted
     * @throws UntrustedFileException with a message fit for a log line when it is not
     * @throws IOException when it cannot be checked ({@link NoSuchFileException} when it is not there)
     */
    public void checkFile(Path file, long maxBytes) throws IOException {
        checkPrivateFile(file, maxBytes);
    }

    /**
     * Checks a file as {@link #checkFile} does, and returns what it checked, so that a caller can
     * tell afterwards whether the file it opened is the one it checked ({@link BasicFileAttributes#fileKey()}).
     *
     * @param file the file
     * @param maxBytes the largest size accepted
     * @return its attributes (POSIX ones where the file system has them), as checked
     * @throws UntrustedFileException with a message fit for a log line when it is not
     * @throws IOException when it cannot be checked ({@link NoSuchFileException} when it is not there)
     */
    public BasicFileAttributes checkPrivateFile(Path file, long maxBytes) throws IOException {
        BasicFileAttributes attributes = checkRegularFile(file);
        if (!ownerOnly(attributes)) {
            throw new UntrustedFileException(file + " has permissions "
                    + PosixFilePermissions.toString(((PosixFileAttributes) attributes).permissions())
                    + "; only its owner may have any (rw-------)");
        }
        if (attributes.size() > maxBytes) {
            throw new UntrustedFileException(file + " is larger than " + maxBytes + " bytes");
        }
        return attributes;
    }

    /**
     * Sets a file's permissions to exactly 0600.
     *
     * @param file the file
     * @throws IOException when they cannot be set
     */
    public void restrict(Path file) throws IOException {
        if (posix) {
            Files.setPosixFilePermissions(file, FILE);
        }
    }

    private void checkOwner(Path path) throws IOException {
        if (uid < 0) {
            return;
        }
        Object owner = Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (!(owner instanceof Integer id) || Integer.toUnsignedLong(id) != uid) {
            throw new UntrustedFileException(path + " belongs to uid " + owner + ", not to this process's user (uid " + uid + ")");
        }
    }
}

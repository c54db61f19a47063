package dev.latchkey.core.files;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Owner-only files and directories (SECURITY.md 28): creates them 0700 / 0600 and checks that
 * what is found there is a real file or directory (not a symbolic link), owned by this process's
 * user, and (for files) readable by nobody else. Permissions are set explicitly after creation:
 * the umask may only take bits away, and an explicit set does not depend on it at all.
 *
 * <p>On a file system without POSIX attributes (Windows) only the link, type and size checks
 * apply; there the user profile's ACLs are what keep the file private.
 */
public final class PrivateFiles {
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
        this.posix = directory.getFileSystem().supportedFileAttributeViews().contains("posix");
        this.uid = directory.getFileSystem().supportedFileAttributeViews().contains("unix") ? new UnixSystem().getUid() : -1;
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
     * @throws IOException with a message fit for a log line when it is not
     */
    public void checkDirectory(Path directory) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(directory, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attributes.isSymbolicLink()) {
            throw new IOException(directory + " is a symbolic link");
        }
        if (!attributes.isDirectory()) {
            throw new IOException(directory + " is not a directory");
        }
        checkOwner(directory);
    }

    /**
     * Checks a file that exists: a regular file, not a link, owned by us, no permission for group
     * or others (a file others could read may have leaked its tokens; one they could write may
     * hold theirs), at most {@code maxBytes} long.
     *
     * @param file the file
     * @param maxBytes the largest size accepted
     * @throws IOException with a message fit for a log line when it is not
     */
    public void checkFile(Path file, long maxBytes) throws IOException {
        BasicFileAttributes attributes = posix
                ? Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                : Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attributes.isSymbolicLink()) {
            throw new IOException(file + " is a symbolic link");
        }
        if (!attributes.isRegularFile()) {
            throw new IOException(file + " is not a regular file");
        }
        checkOwner(file);
        if (attributes instanceof PosixFileAttributes p && !FILE.containsAll(p.permissions())) {
            throw new IOException(file + " has permissions " + PosixFilePermissions.toString(p.permissions())
                    + "; only its owner may have any (rw-------)");
        }
        if (attributes.size() > maxBytes) {
            throw new IOException(file + " is larger than " + maxBytes + " bytes");
        }
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
            throw new IOException(path + " belongs to uid " + owner + ", not to this process's user (uid " + uid + ")");
        }
    }
}

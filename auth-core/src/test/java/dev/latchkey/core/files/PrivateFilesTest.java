package dev.latchkey.core.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Owner-only files and directories (SECURITY.md 28), and how the checks learn who "we" are. */
class PrivateFilesTest {
    @TempDir
    Path dir;

    private static void assumeUnix() {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("unix"), "this file system has no uids");
    }

    /** A runtime built without the module jdk.security.auth has no {@code UnixSystem}. */
    private static long withoutUnixSystem() {
        throw new NoClassDefFoundError("com/sun/security/auth/module/UnixSystem");
    }

    @Test
    void withoutTheJdkSecurityAuthModuleTheUidIsTheOwnerOfAFileItCreates() throws Exception {
        assumeUnix();
        PrivateFiles files = new PrivateFiles(dir, PrivateFilesTest::withoutUnixSystem);
        Path ours = Files.createFile(dir.resolve("ours"), PosixFilePermissions.asFileAttribute(PrivateFiles.FILE));

        files.checkFile(ours, 0);

        assumeTrue("root".equals(System.getProperty("user.name")), "only root can give a file to another user");
        UserPrincipal nobody = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(ours, nobody);
        assertThatThrownBy(() -> files.checkFile(ours, 0)).isInstanceOf(IOException.class)
                .hasMessageContaining("not to this process's user (uid " + new UnixSystem().getUid() + ")");
    }

    @Test
    void aDirectoryWithGroupOrOtherPermissionsIsNotPrivate() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "no POSIX permissions here");
        PrivateFiles files = new PrivateFiles(dir);
        Path app = Files.createDirectory(dir.resolve("app"), PosixFilePermissions.asFileAttribute(PrivateFiles.DIRECTORY));
        files.checkPrivateDirectory(app);
        for (String loose : new String[] {"rwxrwx---", "rwx---r-x", "rwx-w----"}) {
            Files.setPosixFilePermissions(app, PosixFilePermissions.fromString(loose));
            assertThatThrownBy(() -> files.checkPrivateDirectory(app)).isInstanceOf(UntrustedFileException.class)
                    .hasMessageContaining(loose).hasMessageContaining("only its owner may have any (rwx------)");
        }
        assertThatThrownBy(() -> files.checkPrivateDirectory(dir.resolve("missing"))).isInstanceOf(java.nio.file.NoSuchFileException.class);
    }
}

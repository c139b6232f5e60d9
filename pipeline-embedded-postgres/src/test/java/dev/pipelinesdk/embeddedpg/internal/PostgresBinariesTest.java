package dev.pipelinesdk.embeddedpg.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipelinesdk.api.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Extraction of the server binaries: several JVMs at once, modes and symbolic links kept. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PostgresBinariesTest {

    @TempDir
    Path tmp;

    @Test
    void jvmsExtractingAtOnce_allUseOneCompleteCopy() throws Exception {
        Path tmpdir = Files.createDirectory(tmp.resolve("tmpdir"));
        Path go = tmp.resolve("go");
        List<String> jvmArgs = List.of("-Djava.io.tmpdir=" + tmpdir);
        try (ChildJvm a = ChildJvm.start(tmp, jvmArgs, ExtractMain.class, go.toString());
                ChildJvm b = ChildJvm.start(tmp, jvmArgs, ExtractMain.class, go.toString())) {
            a.awaitLine("READY", Duration.ofSeconds(60));
            b.awaitLine("READY", Duration.ofSeconds(60));
            Files.createFile(go);

            String homeA = a.awaitLine("HOME ", Duration.ofSeconds(120)).substring(5);
            String homeB = b.awaitLine("HOME ", Duration.ofSeconds(120)).substring(5);
            assertThat(a.awaitExit(Duration.ofSeconds(30))).as("exit code%s", a.diagnostics()).isZero();
            assertThat(b.awaitExit(Duration.ofSeconds(30))).as("exit code%s", b.diagnostics()).isZero();

            assertThat(homeA).isEqualTo(homeB);
            Path home = Path.of(homeA);
            assertThat(home.getParent()).isEqualTo(tmpdir);
            try (Stream<Path> entries = Files.list(tmpdir)) {
                assertThat(entries).as("no temporary copy left behind").containsExactly(home);
            }
            Path postgres = home.resolve("bin/postgres");
            assertThat(Files.getPosixFilePermissions(postgres)).contains(PosixFilePermission.OWNER_EXECUTE,
                    PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_READ);
            assertThat(Files.getPosixFilePermissions(home.resolve("share/postgresql"))).contains(
                    PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE);
            Path libpq = home.resolve("lib/libpq.so");
            assertThat(Files.isSymbolicLink(libpq)).isTrue();
            assertThat(Files.readSymbolicLink(libpq).toString()).startsWith("libpq.so.");
            assertThat(libpq).exists();
        }
    }
}

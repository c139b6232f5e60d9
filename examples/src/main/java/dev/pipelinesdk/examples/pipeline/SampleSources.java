package dev.pipelinesdk.examples.pipeline;

import dev.pipelinesdk.examples.SourceUrl;
import dev.pipelinesdk.examples.stops.StopsGenerator;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sample sources used when no source URLs are configured: {@value #STOPS} generated registry
 * stops (seed {@value #SEED}) with their OpenStreetMap counterparts and ground truth, generated once
 * into {@code pipeline-data/sources}. Several processes may ask at once: each generates into its
 * own temporary directory and renames it into place; the loser drops its copy.
 *
 * @param registry the registry CSV
 * @param osm      the OpenStreetMap JSON
 * @param truth    the ground truth of the generated matches
 */
public record SampleSources(SourceUrl registry, SourceUrl osm, Path truth) {
    private static final Logger log = LoggerFactory.getLogger(SampleSources.class);

    /** Registry stops generated. */
    public static final int STOPS = 30_000;
    /** The generator's seed. */
    public static final long SEED = 20261123L;

    /**
     * @param dir where the sample sources live
     * @return the sample sources, generated now when missing
     * @throws IOException when they cannot be generated
     */
    public static SampleSources ensure(Path dir) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        if (!complete(target)) {
            StopsLayout.privateDirectory(target.getParent());
            Path temp = Files.createTempDirectory(target.getParent(), ".sources-");
            try {
                log.info("Generating sample sources ({} stops) into {}", STOPS, target);
                StopsGenerator.generate(temp, STOPS, SEED);
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                    if (!complete(target)) {
                        throw new IOException(target + " exists but lacks registry.csv or osm.json; remove it to have"
                                + " the sample sources generated again", e);
                    }
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException("Could not move the generated sources into " + target + ": " + e, e);
                }
            } finally {
                deleteTree(temp);
            }
        }
        return new SampleSources(SourceUrl.ofFile(target.resolve("registry.csv")),
                SourceUrl.ofFile(target.resolve("osm.json")), target.resolve("truth.csv"));
    }

    private static boolean complete(Path dir) {
        return Files.isRegularFile(dir.resolve("registry.csv")) && Files.isRegularFile(dir.resolve("osm.json"));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

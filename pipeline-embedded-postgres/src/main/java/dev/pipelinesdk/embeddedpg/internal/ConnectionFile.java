package dev.pipelinesdk.embeddedpg.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The connection details of a shared server in a small JSON file of mode 0600:
 * {@code {"port": 5432, "user": "pipeline", "password": "...", "database": "pipeline"}}.
 * Internal: not part of the API.
 *
 * @param port     the port on 127.0.0.1 (0: not started yet)
 * @param user     the user (the cluster's superuser)
 * @param password its password
 * @param database the database
 */
public record ConnectionFile(int port, String user, String password, String database) {

    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\"\\s*:\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|(-?\\d+))");

    /**
     * @param file the file
     * @return its details; empty when the file does not exist
     * @throws IOException when it cannot be read or lacks a field
     */
    public static Optional<ConnectionFile> read(Path file) throws IOException {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        Map<String, String> fields = new HashMap<>();
        Matcher m = FIELD.matcher(json);
        while (m.find()) {
            fields.put(m.group(1), m.group(2) != null ? unescape(m.group(2)) : m.group(3));
        }
        for (String name : new String[] {"port", "user", "password", "database"}) {
            if (!fields.containsKey(name)) {
                throw new IOException(file + " has no \"" + name + "\"");
            }
        }
        try {
            return Optional.of(new ConnectionFile(Integer.parseInt(fields.get("port")), fields.get("user"),
                    fields.get("password"), fields.get("database")));
        } catch (NumberFormatException e) {
            throw new IOException(file + " has an invalid \"port\": " + fields.get("port"), e);
        }
    }

    /**
     * @param port the new port
     * @return these details with that port
     */
    public ConnectionFile withPort(int port) {
        return new ConnectionFile(port, user, password, database);
    }

    /**
     * Writes the file atomically (a temporary file of mode 0600 renamed into place).
     *
     * @param file the file
     * @throws IOException when it cannot be written
     */
    public void write(Path file) throws IOException {
        String json = "{\n  \"port\": " + port + ",\n  \"user\": \"" + escape(user) + "\",\n  \"password\": \""
                + escape(password) + "\",\n  \"database\": \"" + escape(database) + "\"\n}\n";
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(FileModes.permissions(0600)));
        // the password must survive a power loss: the content reaches the disk before the rename,
        // and the rename before this returns
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // not every file system lets a directory be opened for sync; the rename itself is atomic
        }
    }

    /** @return the details, never the password */
    @Override
    public String toString() {
        return "ConnectionFile[127.0.0.1:" + port + "/" + database + " as " + user + "]";
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static String unescape(String s) {
        return s.replaceAll("\\\\(.)", "$1");
    }
}

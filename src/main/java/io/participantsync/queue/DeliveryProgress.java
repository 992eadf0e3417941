package io.participantsync.queue;

import io.participantsync.deadletter.SecureFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which records of queue messages already have an outcome ({@code <kind>:<message key>#<row>}), so a redelivered
 * message sends only the rest. Kept in memory (the most recent {@code capacity} keys) and in an append-only file,
 * one key a line, flushed on every add so it survives the process being killed; the file is rewritten from memory
 * when it grows past twice the capacity. Camel's FileIdempotentRepository is not used: it scans its file on every add.
 */
public final class DeliveryProgress implements AutoCloseable {

    private final Path file;
    private final int capacity;
    private final Set<String> keys;
    private BufferedWriter out;
    private long linesInFile;

    private DeliveryProgress(Path file, int capacity) {
        this.file = file;
        this.capacity = capacity;
        this.keys = Collections.newSetFromMap(new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > DeliveryProgress.this.capacity;
            }
        });
    }

    /** Opens (creating if needed) the progress file and loads its most recent {@code capacity} keys. */
    public static DeliveryProgress open(Path file, int capacity) {
        DeliveryProgress p = new DeliveryProgress(file, capacity);
        try {
            SecureFiles.directories(file.toAbsolutePath().getParent());
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (String line : lines) {
                    if (!line.isBlank()) {
                        p.keys.add(line);
                    }
                }
                p.linesInFile = lines.size();
            } else {
                SecureFiles.createFile(file);
            }
            p.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file, e);
        }
        return p;
    }

    public synchronized boolean contains(String key) {
        return keys.contains(key);
    }

    /** Remembers a key; written through to the file before this returns. */
    public synchronized void add(String key) {
        if (key.indexOf('\n') >= 0 || key.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a progress key cannot hold a line break");
        }
        if (!keys.add(key)) {
            return;
        }
        try {
            out.write(key);
            out.write('\n');
            out.flush();
            if (++linesInFile > 2L * capacity) {
                compact();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Keys held in memory. */
    public synchronized int size() {
        return keys.size();
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            // every key was flushed when added
        }
    }

    private void compact() throws IOException {
        out.close();
        List<String> current = List.copyOf(keys);
        SecureFiles.writeAtomically(file, o -> {
            for (String k : current) {
                o.write((k + "\n").getBytes(StandardCharsets.UTF_8));
            }
        });
        linesInFile = current.size();
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
}

package io.participantsync.deadletter;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/** Owner-only files and folders, written atomically (temporary file in the same folder, then rename). */
public final class SecureFiles {

    private static final boolean POSIX = java.nio.file.FileSystems.getDefault().supportedFileAttributeViews()
            .contains("posix");

    private SecureFiles() {
    }

    public static Path directories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return dir;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            directories(parent);
        }
        try {
            if (POSIX) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectory(dir);
            }
        } catch (FileAlreadyExistsException e) {
            // another thread made it
        }
        return dir;
    }

    /**
     * Makes {@code root} and everything under it owner-only: folders rwx------, files rw------- (POSIX only; links
     * are not followed; what vanishes meanwhile or belongs to someone else is skipped). For the files libraries
     * create with the process's umask (H2, Artemis, log files): the folders alone already keep other users out.
     */
    public static void ownerOnly(Path root) {
        if (!POSIX || !Files.isDirectory(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        java.util.Set<java.nio.file.attribute.PosixFilePermission> dirs = PosixFilePermissions.fromString("rwx------");
        java.util.Set<java.nio.file.attribute.PosixFilePermission> files = PosixFilePermissions.fromString("rw-------");
        try {
            Files.walkFileTree(root, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult preVisitDirectory(Path dir,
                        java.nio.file.attribute.BasicFileAttributes attrs) {
                    chmod(dir, dirs);
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFile(Path file,
                        java.nio.file.attribute.BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        chmod(file, files);
                    }
                    return java.nio.file.FileVisitResult.CONTINUE;
                }

                @Override
                public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) {
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // best effort: the folders made owner-only up front are what keeps other users out
        }
    }

    /** One regular file owner-only (rw-------), when it is one and ours. */
    public static void ownerOnlyFile(Path file) {
        if (POSIX && Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            chmod(file, PosixFilePermissions.fromString("rw-------"));
        }
    }

    private static void chmod(Path p, java.util.Set<java.nio.file.attribute.PosixFilePermission> perms) {
        try {
            if (!Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS).equals(perms)) {
                Files.setPosixFilePermissions(p, perms);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // vanished meanwhile, or not ours
        }
    }

    /** A new empty owner-only file (rw-------). */
    public static Path createFile(Path file) throws IOException {
        directories(file.toAbsolutePath().getParent());
        if (POSIX) {
            FileAttribute<?> attr = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
            return Files.createFile(file, attr);
        }
        return Files.createFile(file);
    }

    /** Writes {@code content} to {@code target} atomically with owner-only permissions. */
    public static void writeAtomically(Path target, Writer content) throws IOException {
        Path dir = directories(target.toAbsolutePath().getParent());
        Path tmp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
        createFile(tmp);
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                content.write(out);
            }
            moveAtomically(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Writes a file's content to a stream. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }
}

package io.participantsync.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Starts the processes of a benchmark: the application ({@code java -jar target/participant-sync.jar}, or its
 * classes on a class path when there is no jar, as in the smoke test) and the harness's own helpers (the raw client).
 * Every process runs in its own working directory with stdout and stderr in files there.
 */
final class Launcher {

    static final String APP_MAIN = "io.participantsync.Application";

    private final String javaBin;
    private final Path jar;
    private final String appClasspath;
    private final String benchClasspath;
    private final Path wrapper;

    private Launcher(String java, Path jar, String appClasspath, String benchClasspath, Path wrapper) {
        this.javaBin = java;
        this.jar = jar;
        this.appClasspath = appClasspath;
        this.benchClasspath = benchClasspath;
        this.wrapper = wrapper;
    }

    /**
     * With {@code useJar} and an existing {@code target/participant-sync.jar}, the app runs from the jar; otherwise
     * from this JVM's class path without the test classes.
     */
    static Launcher of(BenchConfig config) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // absolute: the processes run in their own working directories
        List<String> own = Arrays.stream(System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path")).split(File.pathSeparator))
                .filter(e -> !e.isBlank()).map(e -> Path.of(e).toAbsolutePath().toString()).toList();
        Path jar = config.repoDir().resolve("target/participant-sync.jar");
        String app = own.stream().filter(e -> !e.endsWith("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
        boolean useJar = config.useJar() && Files.isRegularFile(jar);
        Path wrapper = config.repoDir().resolve("participant-sync");
        return new Launcher(java, useJar ? jar : null, app, String.join(File.pathSeparator, own),
                useJar && Files.isExecutable(wrapper) ? wrapper : null);
    }

    /** Whether {@link #service} starts the app through the {@code participant-sync} wrapper script. */
    boolean viaWrapper() {
        return wrapper != null;
    }

    /**
     * The app as README tells a user to start it: the {@code participant-sync} wrapper with {@code args}; its JVM
     * options and whether it uses the build's class-data-sharing archive go in the environment ({@link #wrapperEnv},
     * for {@link #start(List, Path, String, Map)}). {@code null} when there is no wrapper (no jar): use {@link #app}.
     */
    List<String> service(List<String> args) {
        if (wrapper == null) {
            return null;
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(wrapper.toString());
        cmd.addAll(args);
        return cmd;
    }

    static Map<String, String> wrapperEnv(List<String> jvmOptions, boolean cds) {
        return Map.of("JAVA_OPTS", String.join(" ", jvmOptions), "PS_CDS", cds ? "on" : "off");
    }

    /** How the app is started, for the report. */
    String describeApp() {
        return jar != null ? "java -jar " + jar : "java -cp <class path> " + APP_MAIN;
    }

    List<String> app(List<String> jvmOptions, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin);
        cmd.addAll(jvmOptions);
        if (jar != null) {
            cmd.add("-jar");
            cmd.add(jar.toString());
        } else {
            cmd.add("-cp");
            cmd.add(appClasspath);
            cmd.add(APP_MAIN);
        }
        cmd.addAll(args);
        return cmd;
    }

    List<String> bench(Class<?> main, List<String> jvmOptions, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin);
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(benchClasspath);
        cmd.add(main.getName());
        cmd.addAll(args);
        return cmd;
    }

    /** Starts {@code command} in {@code dir} (created), stdout and stderr to {@code dir/<name>.out|.err}. */
    static Process start(List<String> command, Path dir, String name) {
        return start(command, dir, name, Map.of());
    }

    /** {@link #start(List, Path, String)} with {@code env} added to the environment. */
    static Process start(List<String> command, Path dir, String name, Map<String, String> env) {
        try {
            Files.createDirectories(dir);
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(dir.resolve(name + ".out").toFile())
                    .redirectError(dir.resolve(name + ".err").toFile());
            // the app reads settings from the environment too: keep the caller's shell out of the figures
            pb.environment().keySet().removeIf(k -> k.startsWith("CONNECTIONS_") || k.startsWith("DELIVERY_")
                    || k.startsWith("SANDBOX_") || k.startsWith("CAMEL_") || k.equals("JAVA_OPTS")
                    || k.equals("PS_CDS"));
            pb.environment().putAll(env);
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0), e);
        }
    }

    /** Waits for the process; kills it (and says so) after {@code timeoutSeconds}. */
    static int await(Process p, long timeoutSeconds, String what) throws InterruptedException {
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IllegalStateException(what + " did not finish within " + timeoutSeconds + " s");
        }
        return p.exitValue();
    }

    /** Stops a process with SIGTERM, then SIGKILL if it does not stop within 30 s. */
    static void stop(Process p) throws InterruptedException {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no " + file.getFileName() + ")";
        }
    }
}

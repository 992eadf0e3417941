package io.participantsync.sandbox;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * Base of the sandbox tests: one sandbox on a free port per test class, reset to its seed before each test and
 * closed after the last. One test instance per class holds it, so test classes may run in parallel.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SandboxFixture {

    protected SandboxServer server;
    protected SandboxClient client;

    @BeforeAll
    void startSandbox() {
        server = SandboxServer.start(0);
        client = new SandboxClient(server);
    }

    @AfterAll
    void stopSandbox() {
        server.close();
    }

    @BeforeEach
    void resetSandbox() {
        server.reset();
    }
}

package io.participantsync.observe;

/**
 * A dependency the service needs before it can do its work (the JMS broker, the state store...). Bind an
 * implementation in the Camel registry ({@code main.bind("stateStoreReadiness", check)}) and
 * {@code /observe/health/ready} answers 503 while its {@link #check()} says down; liveness never looks at it.
 * <p>
 * {@link #check()} is called on every readiness request: keep it cheap and bounded (a connection with a short
 * timeout, {@code Connection.isValid(2)}, the broker's started flag), and never put a secret (password, token, a URL
 * with credentials) in the reason: it is shown on the management port.
 */
public interface ReadinessCheck {

    /** Short stable name shown in the health details, e.g. {@code broker} or {@code state-store}. */
    String name();

    /** Whether the dependency is reachable now. A thrown exception counts as down, with its class and message. */
    Result check();

    /** The answer of one check: up, or down with a reason a person can act on. */
    record Result(boolean ready, String reason) {

        public static Result up() {
            return new Result(true, null);
        }

        public static Result down(String reason) {
            return new Result(false, reason == null || reason.isBlank() ? "down" : reason);
        }
    }
}

package io.participantsync.sandbox;

/**
 * One API call the sandbox received while {@link SandboxKnobs#recordRequestTimes()} was on: provider, method, raw
 * path, arrival ({@link System#nanoTime()}) and the fault it met ({@link SandboxKnobs.Fault#NONE} if none; a 429 or
 * 503 answered for a scripted status is {@code TOO_MANY_REQUESTS} or {@code UNAVAILABLE}). No body, no headers: the
 * log holds nothing secret. For checks over time, such as "the retry after a 429 waited its Retry-After".
 */
public record SandboxCall(String provider, String method, String path, long nanoTime, SandboxKnobs.Fault fault) {

    /** Whether the call may change state (anything but GET and HEAD). */
    public boolean mutating() {
        return !"GET".equals(method) && !"HEAD".equals(method);
    }
}

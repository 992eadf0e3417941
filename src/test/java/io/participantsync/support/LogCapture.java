package io.participantsync.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/** The events one logger writes while this capture is open (at INFO and above). */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final AbstractAppender appender;
    private final Level previousLevel;
    private final List<LogEvent> events = new CopyOnWriteArrayList<>();

    private LogCapture(String name) {
        this.logger = (Logger) LogManager.getLogger(name);
        this.previousLevel = logger.getLevel();
        this.appender = new AbstractAppender("capture-" + name, null, null, true,
                Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                events.add(event.toImmutable());
            }
        };
        appender.start();
        logger.addAppender(appender);
        if (!logger.isInfoEnabled()) {
            logger.setLevel(Level.INFO);
        }
    }

    public static LogCapture of(Class<?> source) {
        return new LogCapture(source.getName());
    }

    /** Captures the logger named {@code name} (e.g. a route's {@code logName}). */
    public static LogCapture of(String name) {
        return new LogCapture(name);
    }

    /** The formatted messages logged at {@code level}. */
    public List<String> messages(Level level) {
        return events.stream().filter(e -> e.getLevel() == level).map(e -> e.getMessage().getFormattedMessage())
                .toList();
    }

    @Override
    public void close() {
        logger.removeAppender(appender);
        logger.setLevel(previousLevel);
        appender.stop();
    }
}

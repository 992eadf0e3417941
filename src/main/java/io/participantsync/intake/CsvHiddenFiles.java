package io.participantsync.intake;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CSV drop's file filter ({@code filter=#csvHiddenFiles} with {@code includeHiddenFiles=true} in
 * {@code routes/intake-csv.camel.yaml}): a {@code .csv} file whose name starts with a dot is a hidden file (an
 * editor's or an uploader's temporary copy, or a file hidden by mistake) and is not read, as before; but instead of
 * lying in the inbox without a word, it is named in one WARN line, once per file name, saying why.
 */
public final class CsvHiddenFiles implements GenericFileFilter<Object> {

    private static final Logger LOG = LoggerFactory.getLogger(CsvHiddenFiles.class);

    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    @Override
    public boolean accept(GenericFile<Object> file) {
        if (file.isDirectory()) {
            return true;
        }
        String name = file.getFileNameOnly();
        if (name == null || !name.startsWith(".")) {
            return true;
        }
        if (name.toLowerCase(Locale.ROOT).endsWith(".csv") && warned.add(name)) {
            LOG.warn("inbox file {} is ignored: its name starts with a dot, which marks a hidden or temporary file;"
                    + " rename it to {} to have it read", name, name.replaceFirst("^\\.+", ""));
        }
        return false;
    }
}

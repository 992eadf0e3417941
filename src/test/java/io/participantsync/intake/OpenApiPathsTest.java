package io.participantsync.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every endpoint the edge routes serve under /api/ is in the OpenAPI document, and nothing else is. */
class OpenApiPathsTest {

    private static final Pattern PLATFORM_HTTP = Pattern.compile("platform-http:(/api/[^\"?\\s]+)");

    @Test
    void givenTheEdgeRoutes_whenTheirApiPathsAreListed_thenTheOpenApiDocumentHasExactlyThem() throws IOException {
        Set<String> served = new TreeSet<>();
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".camel.yaml")).toList()) {
                Matcher m = PLATFORM_HTTP.matcher(Files.readString(f));
                while (m.find()) {
                    served.add(m.group(1));
                }
            }
        }
        Set<String> documented = new TreeSet<>();
        try (InputStream in = HttpIntake.class.getResourceAsStream("/openapi/participant-sync-api.json")) {
            JsonNode doc = new ObjectMapper().readTree(in);
            doc.path("paths").fieldNames().forEachRemaining(documented::add);
        }

        assertThat(served).as("paths in routes/*.camel.yaml").contains("/api/v1/sync-jobs/{name}/runs");
        assertThat(documented).isEqualTo(served);
    }
}

package io.participantsync.routes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

/** Validates every edge file of routes/ against Camel's own YAML DSL schema and loads them from disk. */
class EdgeRoutesTest {

    private static final Path ROUTES = Path.of("routes");

    @Test
    void givenEdgeFiles_whenValidatedAgainstCamelYamlSchema_thenNoErrors() throws IOException {
        JsonSchema schema;
        try (InputStream in = CamelContext.class.getClassLoader().getResourceAsStream("schema/camelYamlDsl.json")) {
            assertThat(in).as("camel-yaml-dsl ships schema/camelYamlDsl.json").isNotNull();
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
        }
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<Path> files = edgeFiles();
        assertThat(files).isNotEmpty();
        for (Path f : files) {
            JsonNode node = yaml.readTree(f.toFile());
            Set<ValidationMessage> errors = schema.validate(node);
            assertThat(errors).as("schema errors in " + f).isEmpty();
        }
    }

    @Test
    void givenSchema_whenEdgeHasUnknownKey_thenValidationFails() throws IOException {
        JsonSchema schema;
        try (InputStream in = CamelContext.class.getClassLoader().getResourceAsStream("schema/camelYamlDsl.json")) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
        }
        JsonNode bad = new ObjectMapper(new YAMLFactory())
                .readTree("- route:\n    id: x\n    from:\n      uri: direct:a\n      steps:\n        - tooo: direct:b\n");
        assertThat(schema.validate(bad)).isNotEmpty();
    }

    @Test
    void givenRoutesFolder_whenLoadedFromDisk_thenExpectedRouteIds() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getPropertiesComponent().addInitialProperty("csv.inbox", "target/test-inbox");
            for (Path f : edgeFiles()) {
                Resource r = ResourceHelper.resolveMandatoryResource(context, "file:" + f);
                PluginHelper.getRoutesLoader(context).loadRoutes(r);
            }
            Set<String> ids = context.getRouteDefinitions().stream()
                    .map(d -> d.getRouteId()).collect(Collectors.toSet());
            assertThat(ids).containsExactlyInAnyOrder("intake-csv", "intake-http-post", "intake-http-batch",
                    "intake-http-openapi", "api-sync-job-runs", "intake-jms", "intake-kafka", "api-console-session",
                    "api-console-outcomes", "api-console-batches", "api-console-batch-summary",
                    "api-console-batch-records", "api-console-batch-report", "api-console-batch-rejected",
                    "api-console-connections", "api-console-dead-letters", "api-console-dead-letter",
                    "api-console-replay", "api-console-sync-jobs", "api-console-files");
            Set<String> templates = context.getCamelContextExtension().getContextPlugin(Model.class)
                    .getRouteTemplateDefinitions().stream().map(d -> d.getId()).collect(Collectors.toSet());
            assertThat(templates).containsExactly("intake-sync-job");
        }
    }

    private static List<Path> edgeFiles() throws IOException {
        try (Stream<Path> s = Files.list(ROUTES)) {
            return s.filter(p -> p.toString().endsWith(".camel.yaml")).sorted().toList();
        }
    }
}

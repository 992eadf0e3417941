package io.participantsync.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which file answers which path under /console/: the page for every view, assets, uPlot, 404 for the rest. */
class ConsoleFilesTest {

    private final DefaultCamelContext camel = new DefaultCamelContext();
    private final ConsoleFiles files = new ConsoleFiles();

    @AfterEach
    void close() {
        camel.stop();
    }

    private Exchange get(String path) {
        Exchange e = new DefaultExchange(camel);
        e.getIn().setHeader(Exchange.HTTP_PATH, path);
        files.serve(e);
        return e;
    }

    @ParameterizedTest
    @ValueSource(strings = {"/console/", "/console/batches", "/console/batches/3f2c-11", "/console/dead-letters/42",
        "/console/sync-jobs", "/console/sign-in"})
    void givenAViewPath_whenServed_thenThePageWithItsSecurityHeaders(String path) {
        Exchange e = get(path);

        assertThat(e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(200);
        assertThat(e.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class)).startsWith("text/html");
        assertThat(new String(e.getMessage().getBody(byte[].class), StandardCharsets.UTF_8))
                .contains("/console/assets/app.js");
        assertThat(e.getMessage().getHeader("Content-Security-Policy", String.class))
                .contains("default-src 'self'").contains("script-src 'self'").doesNotContain("unsafe-eval");
        assertThat(e.getMessage().getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    @Test
    void givenTheConsoleWithoutItsSlash_whenServed_thenRedirectedToIt() {
        Exchange e = get("/console");

        assertThat(e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(308);
        assertThat(e.getMessage().getHeader("Location")).isEqualTo("/console/");
    }

    @Test
    void givenAssetsAndUplot_whenServed_thenTheirFilesWithTheirTypes() {
        Exchange js = get("/console/assets/app.js");
        Exchange uplot = get("/console/lib/uplot/uPlot.iife.min.js");
        Exchange css = get("/console/lib/uplot/uPlot.min.css");

        assertThat(js.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class)).startsWith("text/javascript");
        assertThat(uplot.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(200);
        assertThat(new String(uplot.getMessage().getBody(byte[].class), StandardCharsets.UTF_8)).contains("uPlot");
        assertThat(css.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class)).startsWith("text/css");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/console/assets/missing.js", "/console/assets/../../application.properties",
        "/console/lib/uplot/../../../../log4j2.properties", "/console/favicon.txt", "/console/lib/uplot/",
        "/console/assets//app.js", "/console/db/migration/V1__state.sql"})
    void givenAPathThatIsNoConsoleFile_whenServed_then404(String path) {
        Exchange e = get(path);

        assertThat(e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).as(path).isEqualTo(404);
    }
}

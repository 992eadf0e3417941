package io.participantsync.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.participantsync.support.Browser;
import java.awt.image.BufferedImage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operations console in a real (headless) browser. */
class ConsoleBrowserIT {

    @TempDir
    Path tmp;

    @Test
    void givenATinyPage_whenOpened_thenTheBrowserFindsClicksWaitsAndTakesAScreenshotOfTheWindowSize()
            throws Exception {
        String page = """
                <!doctype html><html><head><meta charset="utf-8"><title>smoke</title></head><body>
                <button data-testid="go">go</button><p data-testid="out"></p>
                <script>
                document.querySelector('[data-testid=go]').addEventListener('click', () =>
                  setTimeout(() => { document.querySelector('[data-testid=out]').textContent = 'clicked Åsa'; }, 300));
                </script></body></html>""";
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = page.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try (Browser browser = Browser.start("http://127.0.0.1:" + server.getAddress().getPort())) {
            browser.open("/smoke");
            assertThat(browser.path()).isEqualTo("/smoke");

            browser.click("go");

            assertThat(browser.waitForText("out", "clicked").getText()).isEqualTo("clicked Åsa");
            BufferedImage shot = ImageIO.read(browser.screenshot(tmp.resolve("smoke.png")).toFile());
            assertThat(shot.getWidth()).isEqualTo(Browser.WIDTH);
            assertThat(shot.getHeight()).isEqualTo(Browser.HEIGHT);
        } finally {
            server.stop(0);
        }
    }
}

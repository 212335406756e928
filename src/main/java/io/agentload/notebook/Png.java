package io.agentload.notebook;

import javax.imageio.ImageIO;
import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;

/** PNG encoding for Jupyter, whose {@code image/png} output holds the file's bytes in base64. */
final class Png {

    private Png() {
    }

    static byte[] bytes(RenderedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) throw new IllegalStateException("no PNG writer in this JVM");
        } catch (IOException e) {
            throw new UncheckedIOException("PNG encoding failed", e);
        }
        return out.toByteArray();
    }

    static String base64(RenderedImage image) {
        return Base64.getEncoder().encodeToString(bytes(image));
    }
}

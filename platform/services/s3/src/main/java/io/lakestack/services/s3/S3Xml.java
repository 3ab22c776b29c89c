package io.lakestack.services.s3;

import io.lakestack.endpoint.protocol.Xml;
import org.w3c.dom.Element;

import java.util.List;
import java.util.Optional;

/** What S3's documents need beyond {@link Xml}: keys and prefixes are read as they are, spaces included. */
final class S3Xml
{
    private S3Xml() {}

    /** The untrimmed text of the first child element of that name: a key may start or end with spaces, or be one. */
    static Optional<String> rawChildText(Element parent, String name)
    {
        List<Element> children = Xml.children(parent, name);
        return children.isEmpty() ? Optional.empty() : Optional.of(children.get(0).getTextContent());
    }
}

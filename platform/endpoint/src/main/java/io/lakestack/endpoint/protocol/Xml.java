package io.lakestack.endpoint.protocol;

import io.lakestack.spi.ServiceException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Small, safe XML helpers for the REST-XML protocol: escaping, and DOM parsing with external entities disabled. */
public final class Xml
{
    private Xml() {}

    public static String escape(String text)
    {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * Parses a request document.
     *
     * @throws ServiceException {@code MalformedXML} when it is not well-formed
     */
    public static Element parse(byte[] document)
    {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(false);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            Document parsed = builder.parse(new ByteArrayInputStream(document));
            return parsed.getDocumentElement();
        }
        catch (SAXException | IOException e) {
            throw ServiceException.user("MalformedXML",
                    "The XML you provided was not well-formed or did not validate against our published schema: " + e.getMessage());
        }
        catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The direct children of {@code parent} named {@code name}. */
    public static List<Element> children(Element parent, String name)
    {
        List<Element> children = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && localName(element).equals(name)) {
                children.add(element);
            }
        }
        return children;
    }

    /** All direct child elements of {@code parent}. */
    public static List<Element> children(Element parent)
    {
        List<Element> children = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element) {
                children.add(element);
            }
        }
        return children;
    }

    public static Optional<String> childText(Element parent, String name)
    {
        List<Element> children = children(parent, name);
        return children.isEmpty() ? Optional.empty() : Optional.of(children.get(0).getTextContent().trim());
    }

    public static String localName(Element element)
    {
        String name = element.getTagName();
        int colon = name.indexOf(':');
        return colon < 0 ? name : name.substring(colon + 1);
    }
}

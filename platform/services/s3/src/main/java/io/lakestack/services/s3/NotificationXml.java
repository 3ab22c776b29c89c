package io.lakestack.services.s3;

import io.lakestack.endpoint.protocol.Xml;
import io.lakestack.spi.ServiceException;
import io.lakestack.spi.s3.DestinationConfiguration;
import io.lakestack.spi.s3.DestinationType;
import io.lakestack.spi.s3.NotificationConfiguration;
import org.w3c.dom.Element;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/** Reads and writes the {@code NotificationConfiguration} document of S3's bucket notification API. */
final class NotificationXml
{
    private static final String NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";

    private NotificationXml() {}

    /**
     * @param idGenerator names a destination configuration that has no {@code Id}, as S3 does
     * @throws ServiceException {@code MalformedXML} or {@code InvalidArgument}
     */
    static NotificationConfiguration parse(byte[] document, Supplier<String> idGenerator)
    {
        Element root = Xml.parse(document);
        if (!Xml.localName(root).equals("NotificationConfiguration")) {
            throw malformed("the root element must be NotificationConfiguration, not " + Xml.localName(root));
        }
        List<DestinationConfiguration> destinations = new ArrayList<>();
        boolean eventBridge = false;
        for (Element child : Xml.children(root)) {
            String name = Xml.localName(child);
            if (name.equals("EventBridgeConfiguration")) {
                eventBridge = true;
                continue;
            }
            DestinationType type = DestinationType.fromConfigurationElement(name)
                    .orElseThrow(() -> malformed("unknown element " + name + " in NotificationConfiguration"));
            String arn = Xml.childText(child, type.arnElement())
                    .orElseThrow(() -> malformed(name + " requires a " + type.arnElement() + " element"));
            List<String> events = Xml.children(child, "Event").stream().map(event -> event.getTextContent().trim()).toList();
            if (events.isEmpty()) {
                throw malformed(name + " requires at least one Event element");
            }
            Optional<String> prefix = Optional.empty();
            Optional<String> suffix = Optional.empty();
            for (Element filter : Xml.children(child, "Filter")) {
                for (Element key : Xml.children(filter, "S3Key")) {
                    for (Element rule : Xml.children(key, "FilterRule")) {
                        String ruleName = Xml.childText(rule, "Name").orElse("");
                        String value = Xml.childText(rule, "Value").orElse("");
                        switch (ruleName.toLowerCase(Locale.ROOT)) {
                            case "prefix" -> {
                                if (prefix.isPresent()) {
                                    throw ServiceException.user("InvalidArgument", "Cannot specify more than one prefix rule in a filter.");
                                }
                                prefix = Optional.of(value);
                            }
                            case "suffix" -> {
                                if (suffix.isPresent()) {
                                    throw ServiceException.user("InvalidArgument", "Cannot specify more than one suffix rule in a filter.");
                                }
                                suffix = Optional.of(value);
                            }
                            default -> throw ServiceException.user("InvalidArgument",
                                    "filter rule name must be either prefix or suffix, not '" + ruleName + "'");
                        }
                    }
                }
            }
            String id = Xml.childText(child, "Id").filter(text -> !text.isEmpty()).orElseGet(idGenerator);
            destinations.add(new DestinationConfiguration(id, type, arn, events, prefix, suffix));
        }
        return new NotificationConfiguration(destinations, eventBridge);
    }

    static String write(NotificationConfiguration configuration)
    {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<NotificationConfiguration xmlns=\"")
                .append(NAMESPACE).append("\">");
        for (DestinationConfiguration destination : configuration.destinations()) {
            String element = destination.type().configurationElement();
            xml.append('<').append(element).append("><Id>").append(Xml.escape(destination.id())).append("</Id>");
            xml.append('<').append(destination.type().arnElement()).append('>').append(Xml.escape(destination.arn()))
                    .append("</").append(destination.type().arnElement()).append('>');
            destination.events().forEach(event -> xml.append("<Event>").append(Xml.escape(event)).append("</Event>"));
            if (destination.prefix().isPresent() || destination.suffix().isPresent()) {
                xml.append("<Filter><S3Key>");
                destination.prefix().ifPresent(prefix -> xml.append("<FilterRule><Name>Prefix</Name><Value>")
                        .append(Xml.escape(prefix)).append("</Value></FilterRule>"));
                destination.suffix().ifPresent(suffix -> xml.append("<FilterRule><Name>Suffix</Name><Value>")
                        .append(Xml.escape(suffix)).append("</Value></FilterRule>"));
                xml.append("</S3Key></Filter>");
            }
            xml.append("</").append(element).append('>');
        }
        if (configuration.eventBridge()) {
            xml.append("<EventBridgeConfiguration></EventBridgeConfiguration>");
        }
        return xml.append("</NotificationConfiguration>").toString();
    }

    private static ServiceException malformed(String detail)
    {
        return ServiceException.user("MalformedXML",
                "The XML you provided was not well-formed or did not validate against our published schema: " + detail);
    }
}

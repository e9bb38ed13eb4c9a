import xml.sax
from xml.sax.handler import feature_external_ges

from lxml import etree


def bad(data, handler):
    # ruleid: controlgate.python.xxe-parser
    parser = etree.XMLParser(resolve_entities=True)
    # ruleid: controlgate.python.xxe-parser
    parser2 = etree.XMLParser(no_network=False)
    doc = etree.fromstring(data, parser)
    sax = xml.sax.make_parser()
    # ruleid: controlgate.python.xxe-parser
    sax.setFeature(feature_external_ges, True)
    sax.setContentHandler(handler)
    return doc, parser2


def good(data):
    # ok: controlgate.python.xxe-parser
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    # ok: controlgate.python.xxe-parser
    doc = etree.fromstring(data, parser)
    sax = xml.sax.make_parser()
    # ok: controlgate.python.xxe-parser
    sax.setFeature(feature_external_ges, False)
    return doc

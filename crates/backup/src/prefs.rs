//! Android shared-preferences files (`shared_prefs/*.xml`): a `<map>` of typed values, the
//! app-private storage several authenticators keep their accounts in. Only the `<string>`
//! values matter to the importers.

use quick_xml::events::Event;
use quick_xml::reader::Reader;
use zeroize::Zeroizing;

/// The `<string name="...">` values of a shared-preferences file, in file order; `None` if the
/// bytes are not one (not UTF-8, not well-formed XML, or a root other than `<map>`).
pub(crate) fn strings(bytes: &[u8]) -> Option<Vec<(String, Zeroizing<String>)>> {
    let text = crate::text(bytes)?;
    let mut reader = Reader::from_str(text);
    let mut strings = Vec::new();
    let mut seen_map = false;
    let mut depth = 0usize;
    // The string being read: its name and text so far. Values hold secrets: zeroizing.
    let mut current: Option<(String, Zeroizing<String>)> = None;
    loop {
        match reader.read_event().ok()? {
            Event::Start(element) => {
                depth += 1;
                match (depth, element.name().as_ref()) {
                    (1, "map") => seen_map = true,
                    (1, _) => return None,
                    (2, "string") => {
                        let name = element.try_get_attribute("name").ok()??;
                        let name = name
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .ok()?;
                        current = Some((name.into_owned(), Zeroizing::new(String::new())));
                    }
                    _ => {}
                }
            }
            Event::Empty(element) if depth == 0 => {
                if element.name().as_ref() != "map" {
                    return None;
                }
                seen_map = true;
            }
            Event::End(_) => {
                if depth == 2
                    && let Some(string) = current.take()
                {
                    strings.push(string);
                }
                depth = depth.checked_sub(1)?;
            }
            Event::Text(text) => {
                if let Some((_, value)) = &mut current {
                    value.push_str(&text.xml10_content());
                }
            }
            Event::CData(data) => {
                if let Some((_, value)) = &mut current {
                    value.push_str(&data.xml10_content());
                }
            }
            Event::GeneralRef(reference) => {
                if let Some((_, value)) = &mut current {
                    match reference.resolve_char_ref().ok()? {
                        Some(character) => value.push(character),
                        None => value.push_str(quick_xml::escape::resolve_xml_entity(
                            &reference.xml10_content(),
                        )?),
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    (seen_map && depth == 0).then_some(strings)
}

/// The value of the string named `name`.
pub(crate) fn get<'a>(strings: &'a [(String, Zeroizing<String>)], name: &str) -> Option<&'a str> {
    strings
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_strings_with_escapes_and_skips_other_types() {
        let file = br#"<?xml version='1.0' encoding='utf-8' standalone='yes' ?>
<map>
    <int name="n" value="1" />
    <string name="a&amp;b">{&quot;x&quot;:&#49;} &lt;&#x41;&gt;</string>
    <set name="s"><string>in a set</string></set>
    <string name="empty"></string>
</map>"#;
        let strings = strings(file).unwrap();
        assert_eq!(strings.len(), 2);
        assert_eq!(get(&strings, "a&b"), Some(r#"{"x":1} <A>"#));
        assert_eq!(get(&strings, "empty"), Some(""));
        assert_eq!(get(&strings, "s"), None);
    }

    #[test]
    fn refuses_what_is_not_a_map() {
        assert!(strings(b"<list><string name=\"a\">b</string></list>").is_none());
        assert!(strings(b"<map><string name=\"a\">b</map>").is_none());
        assert!(strings(b"<map><string name=\"a\">&bogus;</string></map>").is_none());
        assert!(strings(b"{\"map\": 1}").is_none());
        assert_eq!(strings(b"<map />").unwrap().len(), 0);
    }
}

//! The desktop's tray, played on a private bus: the app's tray icon and its menu as a panel
//! sees them.

use std::time::{Duration, Instant};

use crate::UI_TIMEOUT;

/// A desktop's tray, as a panel implements it: a StatusNotifierWatcher on the given bus that
/// records the items registering with it, and clicks their menu items through
/// com.canonical.dbusmenu as a panel does when a person picks one.
pub struct TrayHost {
    connection: zbus::Connection,
    items: std::sync::Arc<std::sync::Mutex<Vec<TrayItem>>>,
}

/// A tray item that registered with the [`TrayHost`]: its bus name and object path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayItem {
    /// The app's connection on the bus.
    pub service: String,
    /// The StatusNotifierItem object.
    pub path: String,
}

/// One entry of a tray menu, as read over com.canonical.dbusmenu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuEntry {
    /// The entry's dbusmenu id (what a click names).
    pub id: i32,
    /// Its text as sent: mnemonic underscores doubled ("" for a separator).
    pub label: String,
    /// Whether it can be chosen.
    pub enabled: bool,
    /// Whether it is a separator line.
    pub separator: bool,
}

impl MenuEntry {
    /// A short picture of the entry for assertions: "---" for a separator, the label, and
    /// " (disabled)" after one that cannot be chosen.
    pub fn outline(&self) -> String {
        match (self.separator, self.enabled) {
            (true, _) => "---".to_owned(),
            (false, true) => self.label.clone(),
            (false, false) => format!("{} (disabled)", self.label),
        }
    }
}

struct Watcher {
    items: std::sync::Arc<std::sync::Mutex<Vec<TrayItem>>>,
}

#[zbus::interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    fn register_status_notifier_item(
        &self,
        service: &str,
        #[zbus(header)] header: zbus::message::Header<'_>,
    ) {
        let sender = header.sender().map(|s| s.to_string()).unwrap_or_default();
        // Either an object path on the sender's connection, or a bus name.
        let item = if service.starts_with('/') {
            TrayItem {
                service: sender,
                path: service.to_owned(),
            }
        } else {
            TrayItem {
                service: service.to_owned(),
                path: "/StatusNotifierItem".to_owned(),
            }
        };
        self.items.lock().expect("items lock").push(item);
    }

    fn register_status_notifier_host(&self, _service: &str) {}

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        let items = self.items.lock().expect("items lock");
        items
            .iter()
            .map(|item| format!("{}{}", item.service, item.path))
            .collect()
    }

    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }
}

impl TrayHost {
    /// Takes the watcher's name on the bus at `address` (before the app starts).
    pub async fn start(address: &str) -> TrayHost {
        let items = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let watcher = Watcher {
            items: items.clone(),
        };
        let connection = zbus::connection::Builder::address(address)
            .expect("a bus address")
            .name("org.kde.StatusNotifierWatcher")
            .expect("a valid name")
            .serve_at("/StatusNotifierWatcher", watcher)
            .expect("serve the watcher")
            .build()
            .await
            .expect("connect to the bus as the tray");
        TrayHost { connection, items }
    }

    /// Waits for an app to put its icon in the tray.
    pub async fn wait_for_item(&self) -> TrayItem {
        let start = Instant::now();
        loop {
            if let Some(item) = self.items.lock().expect("items lock").first() {
                return item.clone();
            }
            assert!(
                start.elapsed() < UI_TIMEOUT,
                "no tray item registered within {UI_TIMEOUT:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn menu(&self, item: &TrayItem) -> zbus::Proxy<'static> {
        let status_item = zbus::Proxy::new(
            &self.connection,
            item.service.clone(),
            item.path.clone(),
            "org.kde.StatusNotifierItem",
        )
        .await
        .expect("a StatusNotifierItem proxy");
        let menu: zbus::zvariant::OwnedObjectPath = status_item
            .get_property("Menu")
            .await
            .expect("the item names its menu");
        zbus::Proxy::new(
            &self.connection,
            item.service.clone(),
            menu,
            "com.canonical.dbusmenu",
        )
        .await
        .expect("a dbusmenu proxy")
    }

    /// The menu's entries, as (id, label), in order (separators have no label).
    pub async fn menu_entries(&self, item: &TrayItem) -> Vec<(i32, String)> {
        self.menu_items(item)
            .await
            .into_iter()
            .filter(|entry| !entry.separator)
            .map(|entry| (entry.id, entry.label))
            .collect()
    }

    /// The menu as a panel draws it: every entry in order, separators included.
    pub async fn menu_items(&self, item: &TrayItem) -> Vec<MenuEntry> {
        use std::collections::HashMap;
        use zbus::zvariant::OwnedValue;
        type Entry = (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>);
        let menu = self.menu(item).await;
        // The whole tree from the root (0), every property.
        let (_revision, (_root, _props, children)): (u32, Entry) = menu
            .call("GetLayout", &(0i32, -1i32, Vec::<String>::new()))
            .await
            .expect("the menu's layout");
        children
            .into_iter()
            .filter_map(|child| {
                let (id, mut props, _): Entry = child.try_into().ok()?;
                let text = |value: OwnedValue| String::try_from(value).ok();
                let separator = props.remove("type").and_then(text).as_deref() == Some("separator");
                // Absent properties have dbusmenu's defaults: enabled, visible.
                let flag = |value: Option<OwnedValue>| value.and_then(|v| bool::try_from(v).ok());
                if flag(props.remove("visible")) == Some(false) {
                    return None;
                }
                Some(MenuEntry {
                    id,
                    label: props.remove("label").and_then(text).unwrap_or_default(),
                    enabled: flag(props.remove("enabled")).unwrap_or(true),
                    separator,
                })
            })
            .collect()
    }

    /// Clicks the menu entry labelled `label`.
    pub async fn click(&self, item: &TrayItem, label: &str) {
        let entries = self.menu_entries(item).await;
        let (id, _) = entries
            .iter()
            .find(|(_, text)| text == label)
            .unwrap_or_else(|| panic!("no {label:?} in the tray menu {entries:?}"));
        self.menu(item)
            .await
            .call_method(
                "Event",
                &(*id, "clicked", zbus::zvariant::Value::from(0i32), 0u32),
            )
            .await
            .expect("click the tray menu entry");
    }
}

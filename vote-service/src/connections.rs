//! How many connections one client may hold at once. Without a cap, a few dozen slow clients from one network can
//! take every connection the service allows and make everyone else wait; with it, a client over its share is
//! answered 429 at once and closed. Trusted proxies are exempt: every visitor behind them shares their address.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use crate::client::ClientKey;

/// The open connections per client.
#[derive(Debug)]
pub struct PerClient {
    limit: usize,
    open: Mutex<HashMap<ClientKey, usize>>,
}

/// One client's connection, counted until dropped.
#[derive(Debug)]
pub struct Slot {
    owner: Arc<PerClient>,
    client: ClientKey,
}

impl PerClient {
    pub fn new(limit: usize) -> Arc<Self> {
        Arc::new(PerClient { limit: limit.max(1), open: Mutex::new(HashMap::new()) })
    }

    /// A slot for a connection from `peer`, or `None` when it already holds `limit` connections.
    pub fn take(self: &Arc<Self>, peer: IpAddr) -> Option<Slot> {
        let client = ClientKey::from_ip(peer);
        let mut open = self.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let count = open.entry(client).or_default();
        if *count >= self.limit {
            return None;
        }
        *count += 1;
        Some(Slot { owner: Arc::clone(self), client })
    }

    /// Clients holding a connection now (for tests and metrics).
    pub fn clients(&self) -> usize {
        self.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner).len()
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.owner.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.client) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.client);
            }
        }
    }
}

/// What a client over its share is sent before the connection is closed, without reading its request.
pub const TOO_MANY: &[u8] = "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json; charset=utf-8\r\n\
Connection: close\r\nRetry-After: 5\r\nCache-Control: no-store\r\nContent-Length: 95\r\n\r\n\
{\"code\":\"too_many_connections\",\"message\":\"来自您网络的连接过多，请稍后再试。\"}"
    .as_bytes();

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_holds_at_most_its_share_and_gets_it_back() {
        let per_client = PerClient::new(2);
        let one: IpAddr = "10.0.0.1".parse().expect("ip");
        let (a, b) = (per_client.take(one), per_client.take(one));
        assert!(a.is_some() && b.is_some());
        assert!(per_client.take(one).is_none(), "a third connection is refused");
        assert!(per_client.take("10.0.0.2".parse().expect("ip")).is_some(), "another client is not");
        let v6a: IpAddr = "2001:db8:1:2::1".parse().expect("ip");
        let v6b: IpAddr = "2001:db8:1:2::ffff".parse().expect("ip");
        let _kept = (per_client.take(v6a), per_client.take(v6b));
        assert!(per_client.take(v6a).is_none(), "one /64 is one client");
        drop(a);
        assert!(per_client.take(one).is_some(), "a closed connection frees its slot");
        drop(b);
    }

    #[test]
    fn the_refusal_is_a_complete_http_answer() {
        let text = std::str::from_utf8(TOO_MANY).expect("UTF-8");
        let (head, body) = text.split_once("\r\n\r\n").expect("head and body");
        assert!(head.contains(&format!("Content-Length: {}", body.len())), "{head}");
        let json: serde_json::Value = serde_json::from_str(body).expect("JSON");
        assert_eq!(json["code"], "too_many_connections");
    }
}

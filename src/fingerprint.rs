//! Fingerprints: a 128-bit hash of everything a made thing was made from, so a cache can tell
//! whether what it holds still fits. The home of `siphasher` (SipHash-1-3, 128 bits: fast,
//! and wide enough that two different inputs never meet in practice).

use std::fmt;
use std::hash::Hasher;

use siphasher::sip128::{Hasher128, SipHasher13};

/// A fingerprint being taken: feed it the inputs, in a fixed order, then [`Fingerprint::finish`].
pub struct Fingerprint(SipHasher13);

impl Default for Fingerprint {
    fn default() -> Self {
        Self::new()
    }
}

impl Fingerprint {
    pub fn new() -> Fingerprint {
        Fingerprint(SipHasher13::new())
    }

    /// A fingerprint under a secret `key` (keyed SipHash, a message authentication code): only
    /// who knows the key can make one that matches.
    pub fn keyed(key: u128) -> Fingerprint {
        Fingerprint(SipHasher13::new_with_key(&key.to_le_bytes()))
    }

    /// Bytes, preceded by their length (so `"ab", "c"` and `"a", "bc"` differ).
    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.write_usize(bytes.len());
        self.0.write(bytes);
        self
    }

    pub fn number(&mut self, n: u64) -> &mut Self {
        self.0.write_u64(n);
        self
    }

    /// A value by its `Debug` form, streamed: the doc tree derives `Debug` (not `Hash`, as
    /// it holds floats), and its `Debug` form shows every field.
    pub fn debug(&mut self, value: &impl fmt::Debug) -> &mut Self {
        use fmt::Write;
        let _ = write!(self, "{value:?}");
        // A separator no `Debug` form ends with, so two values in a row cannot run together.
        self.0.write_u8(0xff);
        self
    }

    pub fn finish(&self) -> u128 {
        self.0.finish128().as_u128()
    }
}

impl fmt::Write for Fingerprint {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.write(s.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_told_apart_by_their_boundaries_and_values() {
        let of = |parts: &[&str]| {
            let mut f = Fingerprint::new();
            for p in parts {
                f.bytes(p.as_bytes());
            }
            f.finish()
        };
        assert_ne!(of(&["ab", "c"]), of(&["a", "bc"]));
        assert_eq!(of(&["ab", "c"]), of(&["ab", "c"]));
        let debug = |v: &[f32]| Fingerprint::new().debug(&v).finish();
        assert_ne!(debug(&[1.0, 2.0]), debug(&[1.0, 2.5]));
        assert_eq!(debug(&[1.0, 2.0]), debug(&[1.0, 2.0]));
    }
}

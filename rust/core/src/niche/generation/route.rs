//! Routing: a declined (or refused) request goes to another agent drawn
//! uniformly from the other N - 1 for the next round. Each chunk keeps the
//! requests it sent on in an outbox, sorted by routing bin of `BIN` agents;
//! delivery is parallel over bins, each agent's queue in sending order
//! (chunk order, then order within the chunk), so the thread count never
//! changes who gets what.

use rayon::prelude::*;

use super::Chunk;

/// Agents per routing bin (the unit of parallel work when delivering
/// rerouted requests; local targets must fit in 16 bits).
pub const BIN: usize = 1024;

/// A request in transit to another agent.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Routed {
    pub(super) target: u32,
    /// Queue entry: niche | tries << 8 (tries: times it has been sent on).
    pub(super) entry: u16,
}

/// Sort a chunk's outbox by routing bin (stable), local targets packed in.
pub(super) fn sort_outbox(c: &mut Chunk, bins: usize) {
    let Chunk { out, sent, sorted, bin_start, cursor, .. } = c;
    bin_start.clear();
    bin_start.resize(bins + 1, 0);
    for r in &out[..*sent] {
        bin_start[r.target as usize / BIN + 1] += 1;
    }
    for b in 0..bins {
        bin_start[b + 1] += bin_start[b];
    }
    sorted.resize(*sent, 0);
    cursor.clear();
    cursor.extend_from_slice(&bin_start[..bins]);
    for r in &out[..*sent] {
        let b = r.target as usize / BIN;
        sorted[cursor[b] as usize] = ((r.target as usize - b * BIN) as u32) << 16 | r.entry as u32;
        cursor[b] += 1;
    }
}

/// Deliver the requests sent on in a round: each agent's queue lists what
/// was sent to it in sending order (chunk order, then order within the
/// chunk). Parallel over bins of `BIN` agents.
pub(super) fn route(n: usize, chunks: &[Chunk], start: &mut [u32], queue: &mut Vec<u16>) -> usize {
    let bins = n.div_ceil(BIN);
    let mut base = vec![0usize; bins + 1];
    for c in chunks {
        for b in 0..bins {
            base[b + 1] += (c.bin_start[b + 1] - c.bin_start[b]) as usize;
        }
    }
    for b in 0..bins {
        base[b + 1] += base[b];
    }
    let total = base[bins];
    queue.resize(total, 0);
    let mut parts = Vec::with_capacity(bins);
    let mut rest = &mut queue[..];
    for b in 0..bins {
        let (head, tail) = rest.split_at_mut(base[b + 1] - base[b]);
        parts.push(head);
        rest = tail;
    }
    start[n] = total as u32;
    start[..n]
        .par_chunks_mut(BIN)
        .zip(parts.into_par_iter())
        .enumerate()
        .for_each(|(b, (st, q))| {
            if base[b] == base[b + 1] {
                // Nothing for this bin's agents.
                st.iter_mut().for_each(|x| *x = base[b] as u32);
                return;
            }
            st.iter_mut().for_each(|x| *x = 0);
            fn of(c: &Chunk, b: usize) -> &[u32] {
                &c.sorted[c.bin_start[b] as usize..c.bin_start[b + 1] as usize]
            }
            for c in chunks {
                for &e in of(c, b) {
                    st[(e >> 16) as usize] += 1;
                }
            }
            let mut at = base[b] as u32;
            for x in st.iter_mut() {
                let count = *x;
                *x = at;
                at += count;
            }
            // Scatter with a cursor per agent (`st` keeps the starts).
            let mut cursor: Vec<u32> = st.to_vec();
            for c in chunks {
                for &e in of(c, b) {
                    let t = (e >> 16) as usize;
                    q[(cursor[t] - base[b] as u32) as usize] = e as u16;
                    cursor[t] += 1;
                }
            }
        });
    total
}


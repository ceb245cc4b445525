//! Lists come a page at a time, in a stable order, and a page is never bigger than a cap,
//! whatever the caller asks for. A page is continued from its last row ("after this one"):
//! keyset paging, so a page costs the same at the start of a list of ten thousand as at its
//! end, and rows added meanwhile neither repeat nor go missing.

/// Rows on a page when nobody asks for another size.
pub const DEFAULT_PAGE: u64 = 50;
/// The most rows one page holds.
pub const MAX_PAGE: u64 = 200;

/// The page size for a request: the default, or what was asked within 1..=[`MAX_PAGE`].
pub fn page_size(requested: Option<u32>) -> u64 {
    requested.map_or(DEFAULT_PAGE, |n| u64::from(n).clamp(1, MAX_PAGE))
}

/// Splits `rows` (fetched with one more than `size`) into the page and whether more follow.
pub fn split<T>(mut rows: Vec<T>, size: u64) -> (Vec<T>, bool) {
    let more = rows.len() as u64 > size;
    rows.truncate(size as usize);
    (rows, more)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_the_default_or_what_was_asked_within_the_cap() {
        assert_eq!(page_size(None), DEFAULT_PAGE);
        assert_eq!(page_size(Some(10)), 10);
        assert_eq!(page_size(Some(0)), 1);
        assert_eq!(page_size(Some(u32::MAX)), MAX_PAGE);
    }

    #[test]
    fn one_row_beyond_the_page_says_more_follow() {
        assert_eq!(split(vec![1, 2, 3], 2), (vec![1, 2], true));
        assert_eq!(split(vec![1, 2], 2), (vec![1, 2], false));
        assert_eq!(split(Vec::<u8>::new(), 2), (vec![], false));
    }
}

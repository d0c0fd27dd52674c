// The article as the workspace and the adjudication page render it, and the offset maths
// both need. No framework, no build step; an ES module both pages import.
//
// Offsets are Unicode code points into the article text, as Python indexes it. The page
// renders one block per line (`.ln`, `dir="auto"`, `data-start` = code-point offset of the
// line) inside `docEl`, so the exact text is the blocks joined by "\n". DOM positions count
// UTF-16 units; toOffset/toPoint convert, and stay right after characters outside the BMP
// (emoji). Lines without such characters take the fast path (UTF-16 = code points).

/** The text view of `docEl`: its blocks, the text, and offset <-> DOM conversions. */
export function textView(docEl) {
  const blocks = Array.from(docEl.children);
  const blockIndex = new Map(blocks.map((b, i) => [b, i]));
  const starts = blocks.map((b) => Number(b.dataset.start));
  const TEXT = blocks.map((b) => b.textContent).join('\n');
  const CPS = Array.from(TEXT); // one entry per code point
  const ASTRAL = blocks.map((b) => /[\uD800-\uDFFF]/.test(b.textContent));
  const lineLen = blocks.map((b, i) => (ASTRAL[i] ? Array.from(b.textContent).length : b.textContent.length));

  /** The index of the block holding code-point `offset`. */
  function blockAt(offset) {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** A DOM point (node, UTF-16 offset) -> code-point offset into TEXT, or null outside it. */
  function toOffset(node, off) {
    if (node === docEl) return off < blocks.length ? starts[off] : CPS.length;
    const el = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    const block = el && el.closest('.ln');
    const i = block ? blockIndex.get(block) : undefined;
    if (i === undefined) return null;
    if (node === block) return starts[i] + (off === 0 ? 0 : lineLen[i]);
    const before = node.nodeValue.slice(0, off);
    return starts[i] + (ASTRAL[i] ? Array.from(before).length : before.length);
  }

  /** A code-point offset -> DOM point [node, UTF-16 offset], the inverse of toOffset. */
  function toPoint(offset) {
    const i = blockAt(offset);
    const t = blocks[i].firstChild;
    if (!t) return [blocks[i], 0];
    const k = Math.min(offset - starts[i], lineLen[i]);
    if (!ASTRAL[i]) return [t, k];
    let u = 0;
    let n = 0;
    for (const ch of t.nodeValue) {
      if (n === k) break;
      u += ch.length;
      n++;
    }
    return [t, u];
  }

  /** Code-point offsets -> a DOM Range over them. */
  function toRange(start, end) {
    const r = new Range();
    r.setStart(...toPoint(start));
    r.setEnd(...toPoint(end));
    return r;
  }

  const textOf = (start, end) => CPS.slice(start, end).join('');

  return { blocks, blockIndex, starts, TEXT, CPS, ASTRAL, lineLen, blockAt, toOffset, toPoint, toRange, textOf };
}

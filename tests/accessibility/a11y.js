// Accessibility smoke checks run inside the page: form labels, headings, image text, contrast.
(() => {
  const problems = [];
  const visible = (el) => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return style.visibility !== "hidden" && style.display !== "none" && box.width > 0 && box.height > 0;
  };
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "");

  // Every form control has an accessible name.
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (["hidden", "submit", "button"].includes(el.type) || !visible(el)) continue;
    const labelled = (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)) ||
      el.closest("label") || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby") ||
      el.getAttribute("title");
    if (!labelled) problems.push(`control without a label: ${describe(el)} name=${el.name}`);
  }
  // Buttons and links have text.
  for (const el of document.querySelectorAll("button, a[href]")) {
    if (!visible(el)) continue;
    if (!(el.textContent.trim() || el.getAttribute("aria-label") || el.querySelector("img[alt]"))) {
      problems.push(`${el.tagName.toLowerCase()} without text: ${describe(el)}`);
    }
  }
  // Images have alternative text.
  for (const el of document.querySelectorAll("img")) {
    if (!el.hasAttribute("alt")) problems.push(`image without alt: ${el.src}`);
  }
  // One h1, and heading levels do not skip (h2 → h4).
  const headings = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].filter(visible);
  const h1 = headings.filter((h) => h.tagName === "H1").length;
  if (h1 !== 1) problems.push(`expected one h1, found ${h1}`);
  let level = 0;
  for (const h of headings) {
    const next = Number(h.tagName[1]);
    if (level && next > level + 1) problems.push(`heading skips from h${level} to h${next}: "${h.textContent.trim().slice(0, 40)}"`);
    level = next;
  }
  if (!document.documentElement.lang) problems.push("the page has no lang attribute");

  // Contrast of text against its background (WCAG AA: 4.5, or 3 for large text).
  const rgba = (text) => (text.match(/[\d.]+/g) || [0, 0, 0, 0]).map(Number);
  const luminance = ([r, g, b]) => {
    const c = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const [r, g, b, a = 1] = rgba(getComputedStyle(node).backgroundColor);
      if (a > 0.5) return [r, g, b];
    }
    return [255, 255, 255];
  };
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode;
    const el = text.parentElement;
    if (!text.textContent.trim() || !el || seen.has(el) || !visible(el)) continue;
    if (el.closest("svg, canvas, .visually-hidden, option, noscript, script, style")) continue;
    seen.add(el);
    const style = getComputedStyle(el);
    const fg = rgba(style.color);
    const [l1, l2] = [luminance(fg), luminance(background(el))].sort((a, b) => b - a);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) {
      problems.push(`contrast ${ratio.toFixed(2)} for "${text.textContent.trim().slice(0, 40)}" in ${describe(el)}`);
    }
  }
  return problems;
})()

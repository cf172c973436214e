/* The course's deck behaviour (tools/publish.py inlines it into every deck and calls it
   from reveal.js's set-up).  fitFigures: each figure of a slide grows from its natural
   size into the room the slide leaves below its content, up to 90 % of the slide's
   width, keeping its aspect ratio; the slide still fits its 1200x700 canvas. */
window.d2lDeck = {
  widthShare: 0.9,
  fitFigures: function (slide, config) {
    if (!slide) return;
    var figures = Array.prototype.slice.call(
      slide.querySelectorAll('.jp-OutputArea-output > img'));
    if (!figures.length) return;
    figures.forEach(function (img) { img.style.width = ''; });  // natural size first
    var content = 0;
    Array.prototype.forEach.call(slide.children, function (child) {
      content = Math.max(content, child.offsetTop + child.offsetHeight);
    });
    // a few pixels of slack: the canvas's own bottom padding is 20 px
    var spare = Math.max(0, config.height - 10 - content) / figures.length;
    var widest = config.width * this.widthShare;
    figures.forEach(function (img) {
      var w = img.offsetWidth, h = img.offsetHeight;
      if (!w || !h) return;
      var grown = Math.min(widest, (h + spare) * w / h);
      if (grown > w) img.style.width = Math.floor(grown) + 'px';
    });
  }
};

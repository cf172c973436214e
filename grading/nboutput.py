"""Cut what a graded notebook stores: a submission that printed 100 MB must not produce a
100 MB notebook or feedback page.  nbgrader's LimitOutput counts lines; this counts
characters, per cell, after execution."""

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer

NOTE = "\n... output cut by the grader ({n:,} characters in all) ...\n"


class CapOutputSize(NbGraderPreprocessor):
    max_chars = Integer(1_000_000, help="characters of text output kept per cell").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        budget, kept = self.max_chars, []
        total = sum(len(o.get("text", "")) for o in cell.outputs)
        for out in cell.outputs:
            if out.output_type == "stream":
                if budget <= 0:
                    continue
                if len(out.text) > budget:
                    out.text = out.text[:budget] + NOTE.format(n=total)
                budget -= len(out.text)
            kept.append(out)
        cell.outputs = kept
        return cell, resources

//! What keeps a template from crashing or hanging a build (or `serve`): an include cycle is
//! refused before anything renders; a macro that calls itself too deeply, a page that renders for
//! too long and a `range()` too long to hold are stopped with an error naming the page and the
//! template. Tera has no such limits, so a guard call is added to the parsed templates: at the
//! start of every macro (it checks what is left of the thread's stack) and of every loop's body
//! (it checks the page's time).

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tera::ast::{Expr, ExprVal, FunctionCall, Node, WS};
use tera::{Tera, Value};

/// The longest a page may take to render. Far above what a real page needs (the whole AMED report
/// renders in well under a second), far below "until someone kills it".
pub const RENDER_TIME_LIMIT: Duration = Duration::from_secs(60);

/// The most items `range()` may make (the list is built whole before a loop reads it).
pub const RANGE_LIMIT: usize = 1_000_000;

/// Stack a macro call must find left on its thread: the deepest a call goes before the next
/// guard (Tera's renderer between two macro levels; measured at well under a quarter of this
/// in a debug build).
const STACK_MARGIN: usize = 512 * 1024;

/// The name of the guard function the templates call.
const GUARD: &str = "__nenpo_guard";

thread_local! {
    /// When the page being rendered on this thread must be done.
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
    /// Why the guard stopped the page being rendered, for the caller's message.
    static STOPPED: RefCell<Option<String>> = const { RefCell::new(None) };
    /// The lowest address of this thread's stack, once looked up (0: unknown, no check).
    static STACK_END: Cell<Option<usize>> = const { Cell::new(None) };
}

/// The first include cycle among the templates, as the chain of names that closes it
/// (`["a.html", "b.html", "a.html"]`).
pub fn include_cycle(tera: &Tera) -> Option<Vec<String>> {
    let includes: BTreeMap<&str, BTreeSet<String>> = tera
        .templates
        .iter()
        .map(|(name, template)| {
            let mut found = BTreeSet::new();
            includes_of(&template.ast, &mut found);
            (name.as_str(), found)
        })
        .collect();
    // Depth-first from each template, iteratively: the path is the chain being followed.
    let mut done: BTreeSet<&str> = BTreeSet::new();
    for &start in includes.keys() {
        if done.contains(start) {
            continue;
        }
        let mut path: Vec<&str> = vec![start];
        let mut next: Vec<Vec<&str>> = vec![children(&includes, start)];
        while let Some(todo) = next.last_mut() {
            let Some(child) = todo.pop() else {
                done.insert(path.pop().unwrap_or_default());
                next.pop();
                continue;
            };
            if let Some(at) = path.iter().position(|&p| p == child) {
                let mut cycle: Vec<String> = path[at..].iter().map(|s| s.to_string()).collect();
                cycle.push(child.to_string());
                return Some(cycle);
            }
            if !done.contains(child) {
                path.push(child);
                next.push(children(&includes, child));
            }
        }
    }
    None
}

fn children<'a>(includes: &'a BTreeMap<&str, BTreeSet<String>>, name: &str) -> Vec<&'a str> {
    includes
        .get(name)
        .map(|set| {
            set.iter()
                .filter_map(|n| includes.get_key_value(n.as_str()).map(|(k, _)| *k))
                .collect()
        })
        .unwrap_or_default()
}

fn includes_of(nodes: &[Node], found: &mut BTreeSet<String>) {
    for node in nodes {
        match node {
            Node::Include(_, names, _) => found.extend(names.iter().cloned()),
            other => {
                for body in bodies(other) {
                    includes_of(body, found);
                }
            }
        }
    }
}

/// The node lists a node holds.
fn bodies(node: &Node) -> Vec<&Vec<Node>> {
    match node {
        Node::MacroDefinition(_, m, _) => vec![&m.body],
        Node::FilterSection(_, s, _) => vec![&s.body],
        Node::Block(_, b, _) => vec![&b.body],
        Node::Forloop(_, l, _) => std::iter::once(&l.body)
            .chain(l.empty_body.as_ref())
            .collect(),
        Node::If(i, _) => i
            .conditions
            .iter()
            .map(|(_, _, body)| body)
            .chain(i.otherwise.as_ref().map(|(_, body)| body))
            .collect(),
        _ => Vec::new(),
    }
}

fn bodies_mut(node: &mut Node) -> Vec<&mut Vec<Node>> {
    match node {
        Node::MacroDefinition(_, m, _) => vec![&mut m.body],
        Node::FilterSection(_, s, _) => vec![&mut s.body],
        Node::Block(_, b, _) => vec![&mut b.body],
        Node::Forloop(_, l, _) => std::iter::once(&mut l.body)
            .chain(l.empty_body.as_mut())
            .collect(),
        Node::If(i, _) => i
            .conditions
            .iter_mut()
            .map(|(_, _, body)| body)
            .chain(i.otherwise.as_mut().map(|(_, body)| body))
            .collect(),
        _ => Vec::new(),
    }
}

/// `{{ __nenpo_guard(…) }}`, which writes nothing.
fn guard_call(args: &[(&str, &str)]) -> Node {
    let args: HashMap<String, Expr> = args
        .iter()
        .map(|(k, v)| (k.to_string(), Expr::new(ExprVal::String(v.to_string()))))
        .collect();
    Node::VariableBlock(
        WS::default(),
        Expr::new(ExprVal::FunctionCall(FunctionCall {
            name: GUARD.into(),
            args,
        })),
    )
}

/// Puts a guard call at the start of every loop's body in `nodes` (and in what they hold).
fn guard_loops(nodes: &mut [Node]) {
    for node in nodes.iter_mut() {
        if let Node::Forloop(_, l, _) = node {
            l.body.insert(0, guard_call(&[]));
        }
        for body in bodies_mut(node) {
            guard_loops(body);
        }
    }
}

/// Adds the guards to every parsed template (after Tera has built them: the copies of blocks
/// it renders from are guarded too), and registers the guard and the bounded `range()`.
pub fn add_guards(tera: &mut Tera) {
    for (file, template) in tera.templates.iter_mut() {
        guard_loops(&mut template.ast);
        for block in template.blocks.values_mut() {
            guard_loops(&mut block.body);
        }
        for definitions in template.blocks_definitions.values_mut() {
            for (_, block) in definitions.iter_mut() {
                guard_loops(&mut block.body);
            }
        }
        for (name, definition) in template.macros.iter_mut() {
            guard_loops(&mut definition.body);
            definition
                .body
                .insert(0, guard_call(&[("macro", name), ("file", file)]));
        }
    }
    tera.register_function(GUARD, Guard);
    if let Some(range) = tera.functions.get("range").cloned() {
        tera.register_function("range", BoundedRange(range));
    }
}

/// Runs the rendering of one page on this thread under the limits; `Err` holds why the guard
/// stopped it (the caller names the page and template), `Ok` what `render` returned.
pub fn limited<T>(render: impl FnOnce() -> T) -> Result<T, (T, String)> {
    limited_to(RENDER_TIME_LIMIT, render)
}

fn limited_to<T>(time: Duration, render: impl FnOnce() -> T) -> Result<T, (T, String)> {
    DEADLINE.with(|d| d.set(Some(Instant::now() + time)));
    STOPPED.with(|s| s.borrow_mut().take());
    let out = render();
    DEADLINE.with(|d| d.set(None));
    match STOPPED.with(|s| s.borrow_mut().take()) {
        Some(why) => Err((out, why)),
        None => Ok(out),
    }
}

fn stop(why: String) -> tera::Result<Value> {
    STOPPED.with(|s| *s.borrow_mut() = Some(why.clone()));
    Err(tera::Error::msg(why))
}

struct Guard;

impl tera::Function for Guard {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        if let (Some(name), Some(file)) = (args.get("macro"), args.get("file")) {
            let here = 0u8;
            let address = &here as *const u8 as usize;
            if let Some(end) = stack_end() {
                if address.saturating_sub(end) < STACK_MARGIN {
                    return stop(format!(
                        "the macro `{}` (in {}) calls itself too deeply: a macro that calls itself needs a condition that ends it, e.g. on a section's depth",
                        name.as_str().unwrap_or(""),
                        file.as_str().unwrap_or("")
                    ));
                }
            }
        }
        if DEADLINE
            .with(|d| d.get())
            .is_some_and(|d| Instant::now() > d)
        {
            return stop(format!(
                "the page took longer than {} s to render: a loop in the template runs too long",
                RENDER_TIME_LIMIT.as_secs_f64()
            ));
        }
        Ok(Value::String(String::new()))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// Tera's `range()`, refused past [`RANGE_LIMIT`] items.
struct BoundedRange(Arc<dyn tera::Function>);

impl tera::Function for BoundedRange {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let number =
            |key: &str, default: u64| args.get(key).and_then(Value::as_u64).unwrap_or(default);
        let (start, end, step) = (number("start", 0), number("end", 0), number("step_by", 1));
        let items = end.saturating_sub(start) / step.max(1);
        if items > RANGE_LIMIT as u64 {
            return stop(format!(
                "range() of {items} items is more than a page can show (at most {RANGE_LIMIT})"
            ));
        }
        self.0.call(args)
    }
}

/// The lowest address of the current thread's stack, found once per thread.
fn stack_end() -> Option<usize> {
    STACK_END.with(|cell| {
        if cell.get().is_none() {
            cell.set(Some(find_stack_end().unwrap_or(0)));
        }
        cell.get().filter(|&end| end != 0)
    })
}

#[cfg(target_os = "linux")]
fn find_stack_end() -> Option<usize> {
    // SAFETY: pthread_getattr_np fills `attr` for the calling thread; it is destroyed after
    // reading the stack's address and size from it.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
            return None;
        }
        let mut address: *mut libc::c_void = std::ptr::null_mut();
        let mut size: libc::size_t = 0;
        let got = libc::pthread_attr_getstack(&attr, &mut address, &mut size);
        libc::pthread_attr_destroy(&mut attr);
        (got == 0).then_some(address as usize)
    }
}

#[cfg(not(target_os = "linux"))]
fn find_stack_end() -> Option<usize> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tera(templates: &[(&str, &str)]) -> Tera {
        let mut tera = Tera::default();
        tera.add_raw_templates(templates.iter().copied()).unwrap();
        add_guards(&mut tera);
        tera
    }

    #[test]
    fn include_cycles_are_found() {
        let t = tera(&[
            ("a.html", "{% include \"b.html\" %}"),
            ("b.html", "{% if x %}{% include \"a.html\" %}{% endif %}"),
            ("c.html", "{% include \"b.html\" %}"),
        ]);
        assert_eq!(
            include_cycle(&t),
            Some(vec!["a.html".into(), "b.html".into(), "a.html".into()])
        );
        let t = tera(&[
            ("a.html", "{% include \"b.html\" %}{% include \"b.html\" %}"),
            ("b.html", "x"),
        ]);
        assert_eq!(include_cycle(&t), None);
    }

    #[test]
    fn a_macro_without_end_is_stopped_and_output_is_unchanged_otherwise() {
        let t = tera(&[(
            "m.html",
            "{% macro f(n) %}{{ self::f(n=n+1) }}{% endmacro f %}{% macro g(n) %}{% if n > 0 %}{{ n }}{{ self::g(n=n-1) }}{% endif %}{% endmacro g %}{% if forever %}{{ self::f(n=1) }}{% else %}{{ self::g(n=3) }}{% for i in [1, 2] %}[{{ i }}]{% endfor %}{% endif %}",
        )]);
        let mut context = tera::Context::new();
        context.insert("forever", &false);
        let ok = limited(|| t.render("m.html", &context)).unwrap().unwrap();
        assert_eq!(ok, "321[1][2]");
        context.insert("forever", &true);
        // On a thread of its own, as the build renders (its stack is smaller than the main one's).
        let t = Arc::new(t);
        let stopped = std::thread::spawn(move || limited(|| t.render("m.html", &context).is_err()))
            .join()
            .unwrap();
        let (failed, why) = stopped.unwrap_err();
        assert!(failed);
        assert!(
            why.contains("the macro `f` (in m.html) calls itself too deeply"),
            "{why}"
        );
    }

    #[test]
    fn a_loop_that_runs_too_long_is_stopped() {
        let t = tera(&[(
            "l.html",
            "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}",
        )]);
        let started = Instant::now();
        let (_, why) = limited_to(Duration::from_millis(200), || {
            t.render("l.html", &tera::Context::new())
        })
        .unwrap_err();
        assert!(why.contains("took longer than"), "{why}");
        assert!(started.elapsed() < Duration::from_secs(20));
    }

    #[test]
    fn a_range_too_long_is_refused() {
        let t = tera(&[(
            "r.html",
            "{% for i in range(end=2000000000) %}x{% endfor %}",
        )]);
        let (_, why) = limited(|| t.render("r.html", &tera::Context::new())).unwrap_err();
        assert!(why.contains("range() of 2000000000 items"), "{why}");
    }
}

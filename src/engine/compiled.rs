//! A compiled form of a rule's CEL: the parsed expression turned into a tree that reads the
//! bound fields of a resource directly, with no interpreter context, no conversion of the
//! resource into interpreter values and no allocation for the common cases.
//!
//! It covers what rules use (field reads, literals, `!`, `&&`, `||`, comparisons, arithmetic,
//! `in`, `size()`, `startsWith`/`endsWith`/`contains`, `has()`, `exists`/`all`, lists and
//! the conditional), with the interpreter's semantics, errors included: `a || b` is true
//! when either side is, even if the other fails. Whatever it does not cover, at compile time
//! (another function, a macro, a variable) or at run time (a type the operator does not
//! take, an overflow, a missing map key), it hands to the interpreter ([`Halt::Fallback`]),
//! so the result is always the interpreter's. A test runs both on every rule example and
//! every scenario and requires them to agree.

use crate::model::Val;
use cel::common::ast::{operators, CallExpr, ComprehensionExpr, Expr, IdedExpr, LiteralValue};
use std::borrow::Cow;
use std::cmp::Ordering;

/// Why an evaluation stopped without a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Halt {
    /// The expression read a field that could not be read (slot index).
    Unknown(u16),
    /// Something the compiled form does not decide alone: ask the interpreter.
    Fallback,
}

/// A bound field of the resource being judged.
#[derive(Debug, Clone, PartialEq)]
pub enum Bound<'v> {
    Known(Val<'v>),
    /// Could not be read: rules that need it are not evaluated.
    Unknown,
    /// The resource has no such field (an example that leaves it out, a field another
    /// version wrote).
    Absent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrFn {
    StartsWith,
    EndsWith,
    Contains,
}

/// A compiled expression.
#[derive(Debug, Clone)]
pub enum Node {
    Lit(Val<'static>),
    /// `resource.<field>`: the slot of the bound field.
    Slot(u16),
    /// `has(resource.<field>)`.
    HasSlot(u16),
    /// `x.field` on a map.
    Select(Box<Node>, String),
    /// `has(x.field)` on a map.
    Has(Box<Node>, String),
    /// A comprehension's variable, by nesting depth.
    Var(usize),
    List(Vec<Node>),
    Not(Box<Node>),
    Neg(Box<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Cond(Box<Node>, Box<Node>, Box<Node>),
    Eq(Box<Node>, Box<Node>),
    Ne(Box<Node>, Box<Node>),
    Ord(Cmp, Box<Node>, Box<Node>),
    Arith(Arith, Box<Node>, Box<Node>),
    In(Box<Node>, Box<Node>),
    Index(Box<Node>, Box<Node>),
    Size(Box<Node>),
    Str(StrFn, Box<Node>, Box<Node>),
    /// `list.exists(v, body)` (`all` when the flag is false).
    Exists(bool, Box<Node>, Box<Node>),
}

/// Compiles a parsed expression; `None` when it uses something the compiled form does not
/// cover (the rule is then judged by the interpreter alone). `slot` gives the slot of a
/// resource field, `params` the rule's parameters.
pub fn compile(
    expr: &IdedExpr,
    slot: &mut dyn FnMut(&str) -> Option<u16>,
    params: &serde_json::Value,
) -> Option<Node> {
    Compiler {
        slot,
        params,
        vars: Vec::new(),
    }
    .node(expr)
}

struct Compiler<'a> {
    slot: &'a mut dyn FnMut(&str) -> Option<u16>,
    params: &'a serde_json::Value,
    /// Comprehension variables in scope, innermost last.
    vars: Vec<String>,
}

impl Compiler<'_> {
    fn node(&mut self, e: &IdedExpr) -> Option<Node> {
        Some(match &e.expr {
            Expr::Literal(l) => Node::Lit(literal(l)?),
            Expr::Ident(name) => {
                let depth = self.vars.iter().rposition(|v| v == name)?;
                Node::Var(depth)
            }
            Expr::Select(s) => {
                let shadowed = |n: &str| self.vars.iter().any(|v| v == n);
                // `resource.x` and `has(resource.x)`.
                if let Expr::Ident(root) = &s.operand.expr {
                    if root == "resource" && !shadowed("resource") {
                        let slot = (self.slot)(&s.field)?;
                        return Some(if s.test {
                            Node::HasSlot(slot)
                        } else {
                            Node::Slot(slot)
                        });
                    }
                    if root == "params" && !shadowed("params") && !s.test {
                        let v = self.params.get(&s.field)?;
                        return Some(Node::Lit(Val::from_json(v).into_owned()));
                    }
                }
                let operand = Box::new(self.node(&s.operand)?);
                if s.test {
                    Node::Has(operand, s.field.clone())
                } else {
                    Node::Select(operand, s.field.clone())
                }
            }
            Expr::List(l) => {
                if !l.optional_indices.is_empty() {
                    return None;
                }
                Node::List(
                    l.elements
                        .iter()
                        .map(|x| self.node(x))
                        .collect::<Option<_>>()?,
                )
            }
            Expr::Call(c) => self.call(c)?,
            Expr::Comprehension(c) => self.comprehension(c)?,
            _ => return None,
        })
    }

    fn call(&mut self, c: &CallExpr) -> Option<Node> {
        let b = |n| Box::new(n);
        let mut args: Vec<Node> = Vec::with_capacity(c.args.len() + 1);
        if let Some(t) = &c.target {
            args.push(self.node(t)?);
        }
        for a in &c.args {
            args.push(self.node(a)?);
        }
        let member = c.target.is_some();
        let mut it = args.into_iter();
        let mut next = || it.next();
        Some(match (c.func_name.as_str(), member, c.args.len()) {
            (operators::LOGICAL_NOT, false, 1) => Node::Not(b(next()?)),
            (operators::NEGATE, false, 1) => Node::Neg(b(next()?)),
            (operators::LOGICAL_AND, false, 2) => Node::And(b(next()?), b(next()?)),
            (operators::LOGICAL_OR, false, 2) => Node::Or(b(next()?), b(next()?)),
            (operators::CONDITIONAL, false, 3) => Node::Cond(b(next()?), b(next()?), b(next()?)),
            (operators::EQUALS, false, 2) => Node::Eq(b(next()?), b(next()?)),
            (operators::NOT_EQUALS, false, 2) => Node::Ne(b(next()?), b(next()?)),
            (operators::LESS, false, 2) => Node::Ord(Cmp::Lt, b(next()?), b(next()?)),
            (operators::LESS_EQUALS, false, 2) => Node::Ord(Cmp::Le, b(next()?), b(next()?)),
            (operators::GREATER, false, 2) => Node::Ord(Cmp::Gt, b(next()?), b(next()?)),
            (operators::GREATER_EQUALS, false, 2) => Node::Ord(Cmp::Ge, b(next()?), b(next()?)),
            (operators::ADD, false, 2) => Node::Arith(Arith::Add, b(next()?), b(next()?)),
            (operators::SUBSTRACT, false, 2) => Node::Arith(Arith::Sub, b(next()?), b(next()?)),
            (operators::MULTIPLY, false, 2) => Node::Arith(Arith::Mul, b(next()?), b(next()?)),
            (operators::DIVIDE, false, 2) => Node::Arith(Arith::Div, b(next()?), b(next()?)),
            (operators::MODULO, false, 2) => Node::Arith(Arith::Rem, b(next()?), b(next()?)),
            (operators::IN, false, 2) => Node::In(b(next()?), b(next()?)),
            (operators::INDEX, false, 2) => Node::Index(b(next()?), b(next()?)),
            ("size", false, 1) | ("size", true, 0) => Node::Size(b(next()?)),
            ("startsWith", true, 1) => Node::Str(StrFn::StartsWith, b(next()?), b(next()?)),
            ("endsWith", true, 1) => Node::Str(StrFn::EndsWith, b(next()?), b(next()?)),
            ("contains", true, 1) => Node::Str(StrFn::Contains, b(next()?), b(next()?)),
            _ => return None,
        })
    }

    /// `exists` and `all`, as the parser expands them: an accumulator starting at false
    /// (true), stepped with `accu || body` (`accu && body`), and returned.
    fn comprehension(&mut self, c: &ComprehensionExpr) -> Option<Node> {
        if c.iter_var2.is_some() {
            return None;
        }
        let init = match &c.accu_init.expr {
            Expr::Literal(LiteralValue::Boolean(b)) => *b.inner(),
            _ => return None,
        };
        let Expr::Call(step) = &c.loop_step.expr else {
            return None;
        };
        let op = if init {
            operators::LOGICAL_AND
        } else {
            operators::LOGICAL_OR
        };
        let accu_first = matches!(&step.args.first()?.expr, Expr::Ident(a) if *a == c.accu_var);
        let returns_accu = matches!(&c.result.expr, Expr::Ident(a) if *a == c.accu_var);
        if step.func_name != op || step.args.len() != 2 || !accu_first || !returns_accu {
            return None;
        }
        let range = self.node(&c.iter_range)?;
        self.vars.push(c.iter_var.clone());
        let body = self.node(&step.args[1]);
        self.vars.pop();
        Some(Node::Exists(!init, Box::new(range), Box::new(body?)))
    }
}

fn literal(l: &LiteralValue) -> Option<Val<'static>> {
    Some(match l {
        LiteralValue::Boolean(b) => Val::Bool(*b.inner()),
        LiteralValue::Int(i) => Val::Int(*i.inner()),
        LiteralValue::Double(d) => Val::Float(*d.inner()),
        LiteralValue::String(s) => Val::Str(Cow::Owned(s.inner().to_string())),
        LiteralValue::Null => Val::Null,
        // Unsigned integers and bytes: no rule field holds them.
        LiteralValue::UInt(_) | LiteralValue::Bytes(_) => return None,
    })
}

type Out<'v> = Result<Cow<'v, Val<'v>>, Halt>;

/// What an expression is judged against: the bound fields, and the comprehension
/// variables in scope.
pub struct Env<'v> {
    pub slots: &'v [Bound<'v>],
    vars: Vec<Cow<'v, Val<'v>>>,
}

impl<'v> Env<'v> {
    pub fn new(slots: &'v [Bound<'v>]) -> Env<'v> {
        Env {
            slots,
            vars: Vec::new(),
        }
    }
}

impl Node {
    /// Evaluates a condition: `true`/`false`, or why it could not be decided.
    pub fn test<'v>(&'v self, env: &mut Env<'v>) -> Result<bool, Halt> {
        match self.eval(env)?.as_ref() {
            Val::Bool(b) => Ok(*b),
            // The interpreter names the type in its error.
            _ => Err(Halt::Fallback),
        }
    }

    fn eval<'v>(&'v self, env: &mut Env<'v>) -> Out<'v> {
        use Cow::{Borrowed, Owned};
        Ok(match self {
            Node::Lit(v) => Borrowed(v),
            Node::Slot(i) => match &env.slots[usize::from(*i)] {
                Bound::Known(v) => Borrowed(v),
                Bound::Unknown => return Err(Halt::Unknown(*i)),
                // The interpreter fails with "no such key", not "unknown".
                Bound::Absent => return Err(Halt::Fallback),
            },
            Node::HasSlot(i) => Owned(Val::Bool(matches!(
                env.slots[usize::from(*i)],
                Bound::Known(_)
            ))),
            Node::Var(d) => env.vars.get(*d).cloned().ok_or(Halt::Fallback)?,
            Node::Select(x, field) => select(x.eval(env)?, field)?,
            Node::Has(x, field) => match x.eval(env)?.as_ref() {
                Val::Map(m) => Owned(Val::Bool(m.iter().any(|(k, _)| k == field))),
                _ => return Err(Halt::Fallback),
            },
            Node::List(items) => Owned(Val::List(
                items
                    .iter()
                    .map(|n| n.eval(env).map(Cow::into_owned))
                    .collect::<Result<_, _>>()?,
            )),
            Node::Not(x) => match x.eval(env)?.as_ref() {
                Val::Bool(b) => Owned(Val::Bool(!b)),
                _ => return Err(Halt::Fallback),
            },
            Node::Neg(x) => match x.eval(env)?.as_ref() {
                Val::Int(i) => Owned(Val::Int(i.checked_neg().ok_or(Halt::Fallback)?)),
                Val::Float(f) => Owned(Val::Float(-f)),
                _ => return Err(Halt::Fallback),
            },
            Node::And(a, b) => Owned(Val::Bool(logical(a, b, false, env)?)),
            Node::Or(a, b) => Owned(Val::Bool(logical(a, b, true, env)?)),
            Node::Cond(c, a, b) => match c.eval(env)?.as_ref() {
                Val::Bool(true) => a.eval(env)?,
                Val::Bool(false) => b.eval(env)?,
                _ => return Err(Halt::Fallback),
            },
            Node::Eq(a, b) => {
                let l = a.eval(env)?;
                let r = b.eval(env)?;
                Owned(Val::Bool(equal(&l, &r)))
            }
            Node::Ne(a, b) => {
                let l = a.eval(env)?;
                let r = b.eval(env)?;
                Owned(Val::Bool(!equal(&l, &r)))
            }
            Node::Ord(op, a, b) => {
                let l = a.eval(env)?;
                let r = b.eval(env)?;
                let o = order(&l, &r).ok_or(Halt::Fallback)?;
                Owned(Val::Bool(match op {
                    Cmp::Lt => o == Ordering::Less,
                    Cmp::Le => o != Ordering::Greater,
                    Cmp::Gt => o == Ordering::Greater,
                    Cmp::Ge => o != Ordering::Less,
                }))
            }
            Node::Arith(op, a, b) => {
                let l = a.eval(env)?;
                let r = b.eval(env)?;
                Owned(arith(*op, &l, &r).ok_or(Halt::Fallback)?)
            }
            Node::In(x, container) => {
                let x = x.eval(env)?;
                let c = container.eval(env)?;
                Owned(Val::Bool(match c.as_ref() {
                    Val::List(items) => items.iter().any(|i| equal(&x, i)),
                    Val::Map(m) => match x.as_ref() {
                        Val::Str(k) => m.iter().any(|(mk, _)| mk == k),
                        _ => return Err(Halt::Fallback),
                    },
                    _ => return Err(Halt::Fallback),
                }))
            }
            Node::Index(x, i) => {
                let x = x.eval(env)?;
                let i = i.eval(env)?;
                match (x, i.as_ref()) {
                    (Borrowed(Val::List(items)), Val::Int(n)) => Borrowed(
                        usize::try_from(*n)
                            .ok()
                            .and_then(|n| items.get(n))
                            .ok_or(Halt::Fallback)?,
                    ),
                    (Owned(Val::List(items)), Val::Int(n)) => Owned(
                        usize::try_from(*n)
                            .ok()
                            .and_then(|n| items.into_iter().nth(n))
                            .ok_or(Halt::Fallback)?,
                    ),
                    (m @ (Borrowed(Val::Map(_)) | Owned(Val::Map(_))), Val::Str(k)) => {
                        select(m, k)?
                    }
                    _ => return Err(Halt::Fallback),
                }
            }
            Node::Size(x) => Owned(Val::Int(match x.eval(env)?.as_ref() {
                Val::Str(s) => s.chars().count() as i64,
                Val::List(l) => l.len() as i64,
                Val::Map(m) => m.len() as i64,
                _ => return Err(Halt::Fallback),
            })),
            Node::Str(f, s, arg) => {
                let s = s.eval(env)?;
                let arg = arg.eval(env)?;
                match (s.as_ref(), arg.as_ref()) {
                    (Val::Str(s), Val::Str(a)) => Owned(Val::Bool(match f {
                        StrFn::StartsWith => s.starts_with(a.as_ref()),
                        StrFn::EndsWith => s.ends_with(a.as_ref()),
                        StrFn::Contains => s.contains(a.as_ref()),
                    })),
                    _ => return Err(Halt::Fallback),
                }
            }
            Node::Exists(any, range, body) => {
                let range = range.eval(env)?;
                let Val::List(items) = range.as_ref() else {
                    return Err(Halt::Fallback);
                };
                let mut out = !*any;
                for item in items {
                    env.vars.push(Owned(item.clone()));
                    // An element that fails leaves the answer to the interpreter: CEL lets a
                    // later element decide, and says which error otherwise.
                    let r = body.eval(env).map(|v| match v.as_ref() {
                        Val::Bool(b) => Some(*b),
                        _ => None,
                    });
                    env.vars.pop();
                    match r {
                        Ok(Some(b)) if b == *any => {
                            out = b;
                            break;
                        }
                        Ok(Some(_)) => {}
                        _ => return Err(Halt::Fallback),
                    }
                }
                Owned(Val::Bool(out))
            }
        })
    }
}

/// `a || b` (`or`) and `a && b`, as the interpreter decides them: the left side decides
/// alone when it is absorbing; otherwise the right side is evaluated (and its failure is
/// the result), and an absorbing right side decides even when the left side failed.
fn logical<'v>(a: &'v Node, b: &'v Node, or: bool, env: &mut Env<'v>) -> Result<bool, Halt> {
    let left = a.eval(env).and_then(|v| match v.as_ref() {
        Val::Bool(x) => Ok(*x),
        _ => Err(Halt::Fallback),
    });
    if left == Ok(or) {
        return Ok(or);
    }
    let right = b.eval(env)?;
    match (left, right.as_ref()) {
        (Ok(_), Val::Bool(r)) => Ok(*r),
        (Err(_), Val::Bool(r)) if *r == or => Ok(or),
        (Err(e), _) => Err(e),
        (Ok(_), _) => Err(Halt::Fallback),
    }
}

/// `x.field` on a map; anything else, or a missing key, is the interpreter's to report.
fn select<'v>(x: Cow<'v, Val<'v>>, field: &str) -> Out<'v> {
    match x {
        Cow::Borrowed(Val::Map(m)) => m
            .iter()
            .find(|(k, _)| k == field)
            .map(|(_, v)| Cow::Borrowed(v))
            .ok_or(Halt::Fallback),
        Cow::Owned(Val::Map(m)) => m
            .into_iter()
            .find(|(k, _)| k == field)
            .map(|(_, v)| Cow::Owned(v))
            .ok_or(Halt::Fallback),
        _ => Err(Halt::Fallback),
    }
}

/// CEL equality as the interpreter computes it: numbers compare across int and double,
/// lists and maps element by element, and values of different types are unequal.
pub fn equal(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Null, Val::Null) => true,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::Int(_) | Val::Float(_), Val::Int(_) | Val::Float(_)) => {
            order(a, b) == Some(Ordering::Equal)
        }
        (Val::Str(x), Val::Str(y)) => x == y,
        (Val::List(x), Val::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equal(p, q))
        }
        (Val::Map(x), Val::Map(y)) => {
            x.len() == y.len()
                && x.iter().all(|(k, v)| {
                    y.iter()
                        .find(|(yk, _)| yk == k)
                        .is_some_and(|(_, yv)| equal(v, yv))
                })
        }
        _ => false,
    }
}

/// The order of two values the interpreter can compare; `None` for any other pair.
fn order(a: &Val, b: &Val) -> Option<Ordering> {
    match (a, b) {
        (Val::Int(x), Val::Int(y)) => Some(x.cmp(y)),
        (Val::Int(x), Val::Float(y)) => (*x as f64).partial_cmp(y),
        (Val::Float(x), Val::Int(y)) => x.partial_cmp(&(*y as f64)),
        (Val::Float(x), Val::Float(y)) => x.partial_cmp(y),
        (Val::Str(x), Val::Str(y)) => Some(x.as_ref().cmp(y.as_ref())),
        (Val::Bool(x), Val::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// Integer arithmetic is checked (the interpreter fails on overflow and division by zero);
/// int and double do not mix.
fn arith<'v>(op: Arith, a: &Val<'v>, b: &Val<'v>) -> Option<Val<'v>> {
    Some(match (a, b) {
        (Val::Int(x), Val::Int(y)) => Val::Int(match op {
            Arith::Add => x.checked_add(*y)?,
            Arith::Sub => x.checked_sub(*y)?,
            Arith::Mul => x.checked_mul(*y)?,
            Arith::Div => x.checked_div(*y)?,
            Arith::Rem => x.checked_rem(*y)?,
        }),
        (Val::Float(x), Val::Float(y)) => Val::Float(match op {
            Arith::Add => x + y,
            Arith::Sub => x - y,
            Arith::Mul => x * y,
            // What the interpreter makes of a zero divisor is its own to say.
            Arith::Div if *y != 0.0 => x / y,
            Arith::Div | Arith::Rem => return None,
        }),
        (Val::Str(x), Val::Str(y)) if op == Arith::Add => Val::Str(Cow::Owned(format!("{x}{y}"))),
        (Val::List(x), Val::List(y)) if op == Arith::Add => {
            Val::List(x.iter().chain(y).cloned().collect())
        }
        _ => return None,
    })
}
